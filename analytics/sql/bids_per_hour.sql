-- name: bids_per_hour
-- Bids placed in [start, end) per UTC hour (every submission, including later removed ones).
SELECT date_trunc('hour', placed_at) AS hour, count(*) AS bids, count(DISTINCT bidder_id) AS bidders
FROM bids
WHERE placed_at >= $start AND placed_at < $end
GROUP BY 1
ORDER BY 1
