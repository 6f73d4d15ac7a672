-- name: lot_price_curve
-- The price of one of a dealer's lots after each of its active bids, in the order placed; rupees.
SELECT b.id AS bid_id, b.placed_at, CAST(b.price_after / 100.0 AS NUMERIC(18, 2)) AS price
FROM bids_with_dealer b
WHERE b.dealer_id = $dealer_id AND b.lot_id = $lot_id AND b.status = 'active'
ORDER BY b.id
