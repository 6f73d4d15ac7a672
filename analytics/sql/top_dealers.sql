-- name: top_dealers
-- Dealers by gross hammer of sales made in [start, end); rupees.
SELECT s.dealer_id, d.store_name, d.city,
       count(*) AS sales,
       CAST(sum(s.hammer) / 100.0 AS NUMERIC(18, 2)) AS gmv,
       CAST(sum(s.dealer_earnings) / 100.0 AS NUMERIC(18, 2)) AS earnings,
       CAST(sum(s.platform_revenue) / 100.0 AS NUMERIC(18, 2)) AS platform_revenue
FROM sales s JOIN dealers d ON d.id = s.dealer_id
WHERE s.sold_at >= $start AND s.sold_at < $end
GROUP BY s.dealer_id, d.store_name, d.city
ORDER BY gmv DESC, s.dealer_id
LIMIT $limit
