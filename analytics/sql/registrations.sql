-- name: registrations
-- New accounts per period (day, week or month, UTC) of registration time in [start, end).
-- Counted per UTC day first (cut from the epoch), then the few day rows are truncated to the period:
-- the same numbers as date_trunc on every row, without DuckDB going through its calendar per row.
SELECT date_trunc($period, to_timestamp(day * 86400)) AS period_start, CAST(sum(n) AS BIGINT) AS registrations
FROM (
    SELECT floor(extract(epoch FROM created_at) / 86400) AS day, count(*) AS n
    FROM users
    WHERE created_at >= $start AND created_at < $end
    GROUP BY 1
) days
GROUP BY 1
ORDER BY 1
