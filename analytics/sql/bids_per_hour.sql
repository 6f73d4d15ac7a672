-- name: bids_per_hour
-- Bids placed in [start, end) per UTC hour (every submission, including later removed ones).
-- The hour is cut from the epoch, not with date_trunc: the same instant in both engines, and DuckDB
-- does not go through its calendar for each of hundreds of thousands of rows.
SELECT to_timestamp(floor(extract(epoch FROM placed_at) / 3600) * 3600) AS hour,
       count(*) AS bids, count(DISTINCT bidder_id) AS bidders
FROM bids
WHERE placed_at >= $start AND placed_at < $end
GROUP BY 1
ORDER BY 1
