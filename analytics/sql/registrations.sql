-- name: registrations
-- New accounts per period (day, week or month) of time zone $tz, of registration time in [start, end);
-- period_start is the local date-time a period starts (no zone).
-- Counted per quarter hour first (cut from the epoch; every zone's offset is whole quarter hours), then
-- the few slot rows go through the calendar: the same numbers as date_trunc on every row, without
-- DuckDB converting each row's time.
SELECT date_trunc($period, to_timestamp(slot * 900) AT TIME ZONE $tz) AS period_start,
       CAST(sum(n) AS BIGINT) AS registrations
FROM (
    SELECT floor(extract(epoch FROM created_at) / 900) AS slot, count(*) AS n
    FROM users
    WHERE created_at >= $start AND created_at < $end
    GROUP BY 1
) slots
GROUP BY 1
ORDER BY 1
