-- name: export_dealer_statements
-- Per dealer per calendar month of time zone $tz (sale time) in [start, end): the money of their sales.
SELECT s.dealer_id, d.store_name, CAST(date_trunc('month', s.sold_at AT TIME ZONE $tz) AS DATE) AS month,
       count(*) AS sales,
       CAST(sum(s.hammer) / 100.0 AS NUMERIC(18, 2)) AS hammer,
       CAST(sum(s.buyer_premium) / 100.0 AS NUMERIC(18, 2)) AS buyer_premium,
       CAST(sum(s.seller_fee) / 100.0 AS NUMERIC(18, 2)) AS seller_fees,
       CAST(sum(s.dealer_earnings) / 100.0 AS NUMERIC(18, 2)) AS dealer_earnings,
       CAST(sum(s.platform_revenue) / 100.0 AS NUMERIC(18, 2)) AS platform_revenue
FROM sales s JOIN dealers d ON d.id = s.dealer_id
WHERE s.sold_at >= $start AND s.sold_at < $end
GROUP BY 1, 2, 3
ORDER BY s.dealer_id, month
