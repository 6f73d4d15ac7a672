-- name: dealer_earnings
-- A dealer's sales by period (day, week or month) of sale time in [start, end), rupees. Periods are
-- calendar periods of time zone $tz: period_start is the local date-time a period starts (no zone).
SELECT date_trunc($period, s.sold_at AT TIME ZONE $tz) AS period_start,
       count(*) AS sales,
       CAST(sum(s.hammer) / 100.0 AS NUMERIC(18, 2)) AS hammer,
       CAST(sum(s.seller_fee) / 100.0 AS NUMERIC(18, 2)) AS seller_fees,
       CAST(sum(s.dealer_earnings) / 100.0 AS NUMERIC(18, 2)) AS earnings
FROM sales s
WHERE s.dealer_id = $dealer_id AND s.sold_at >= $start AND s.sold_at < $end
GROUP BY 1
ORDER BY 1
