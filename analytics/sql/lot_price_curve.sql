-- name: lot_price_curve
-- The price of one lot after each of its active bids, in the order placed; rupees.
SELECT b.id AS bid_id, b.placed_at, CAST(b.price_after / 100.0 AS NUMERIC(18, 2)) AS price
FROM bids b
WHERE b.lot_id = $lot_id AND b.status = 'active'
ORDER BY b.id
