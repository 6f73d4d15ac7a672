-- name: dealer_top_models
-- A dealer's best-selling make and model among lots ending in [start, end); rupees.
SELECT c.make, c.model,
       count(*) AS sold,
       CAST(sum(s.hammer) / 100.0 AS NUMERIC(18, 2)) AS total_hammer,
       CAST(avg(s.hammer) / 100.0 AS NUMERIC(18, 2)) AS avg_hammer
FROM sales s
JOIN lots_with_dealer l ON l.id = s.lot_id AND l.dealer_id = s.dealer_id
JOIN cars c ON c.id = l.car_id AND c.dealer_id = l.dealer_id  -- a lot's car is its dealer's
WHERE s.dealer_id = $dealer_id AND l.ends_at >= $start AND l.ends_at < $end
GROUP BY c.make, c.model
ORDER BY sold DESC, total_hammer DESC, c.make, c.model
LIMIT $limit
