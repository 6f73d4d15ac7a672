-- name: dealer_lots
-- A dealer's lots ending in [start, end), one row each with their outcome and money in rupees.
SELECT l.id AS lot_id, a.id AS auction_id, a.title AS auction, l.lot_number,
       c.make, c.model, c.year, l.ends_at, l.outcome,
       CAST(l.starting_price / 100.0 AS NUMERIC(18, 2)) AS starting_price,
       CAST(l.reserve_price / 100.0 AS NUMERIC(18, 2)) AS reserve_price,
       CAST(l.current_price / 100.0 AS NUMERIC(18, 2)) AS current_price,
       l.bid_count, l.bidder_count,
       CAST(s.hammer / 100.0 AS NUMERIC(18, 2)) AS hammer,
       CAST(s.dealer_earnings / 100.0 AS NUMERIC(18, 2)) AS earnings
FROM lots_with_dealer l
JOIN auctions a ON a.id = l.auction_id
JOIN cars c ON c.id = l.car_id AND c.dealer_id = l.dealer_id  -- a lot's car is its dealer's
LEFT JOIN sales s ON s.lot_id = l.id
WHERE l.dealer_id = $dealer_id AND a.status = 'scheduled'
  AND l.ends_at >= $start AND l.ends_at < $end
ORDER BY l.ends_at, l.id
