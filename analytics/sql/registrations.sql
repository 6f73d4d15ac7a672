-- name: registrations
-- New accounts per period (day, week or month, UTC) of registration time in [start, end).
SELECT date_trunc($period, created_at) AS period_start, count(*) AS registrations
FROM users
WHERE created_at >= $start AND created_at < $end
GROUP BY 1
ORDER BY 1
