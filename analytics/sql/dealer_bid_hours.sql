-- name: dealer_bid_hours
-- Active bids on a dealer's lots placed in [start, end), by hour of day (0-23) in time zone $tz.
WITH hours AS (
    SELECT CAST(EXTRACT(hour FROM b.placed_at AT TIME ZONE $tz) AS INTEGER) AS hour
    FROM bids_with_dealer b
    WHERE b.dealer_id = $dealer_id AND b.status = 'active'
      AND b.placed_at >= $start AND b.placed_at < $end
)
SELECT g.hour, count(h.hour) AS bids
FROM generate_series(0, 23) AS g(hour)
LEFT JOIN hours h ON h.hour = g.hour
GROUP BY g.hour
ORDER BY g.hour
