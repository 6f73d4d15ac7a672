-- name: platform_summary
-- Money of sales made in [start, end) (sale time), rupees; conversion = sold / offered over lots of
-- published auctions ending in [start, end).
WITH money AS (
    SELECT count(*) AS sales, coalesce(sum(hammer), 0) AS gmv,
           coalesce(sum(platform_revenue), 0) AS revenue,
           coalesce(sum(buyer_premium), 0) AS premium, coalesce(sum(seller_fee), 0) AS fees
    FROM sales WHERE sold_at >= $start AND sold_at < $end
), offered AS (
    SELECT count(*) AS lots_offered, count(*) FILTER (WHERE l.outcome = 'sold') AS lots_sold
    FROM lots l JOIN auctions a ON a.id = l.auction_id
    WHERE a.status = 'scheduled' AND l.ends_at >= $start AND l.ends_at < $end
)
SELECT m.sales,
       CAST(m.gmv / 100.0 AS NUMERIC(18, 2)) AS gmv,
       CAST(m.revenue / 100.0 AS NUMERIC(18, 2)) AS platform_revenue,
       CAST(m.premium / 100.0 AS NUMERIC(18, 2)) AS buyer_premium,
       CAST(m.fees / 100.0 AS NUMERIC(18, 2)) AS seller_fees,
       o.lots_offered, o.lots_sold,
       CAST(o.lots_sold AS DOUBLE PRECISION) / NULLIF(o.lots_offered, 0) AS conversion
FROM money m CROSS JOIN offered o
