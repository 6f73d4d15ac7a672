-- name: export_sales
-- Every sale made in [start, end) with its lot, car, dealer and money (DECIMAL rupees).
SELECT s.id AS sale_id, s.sold_at, s.lot_id, l.lot_number, s.auction_id, a.title AS auction,
       s.dealer_id, d.store_name, c.vin, c.make, c.model, c.year, s.buyer_id,
       CAST(s.hammer / 100.0 AS NUMERIC(18, 2)) AS hammer,
       CAST(s.buyer_premium / 100.0 AS NUMERIC(18, 2)) AS buyer_premium,
       CAST(s.seller_fee / 100.0 AS NUMERIC(18, 2)) AS seller_fee,
       CAST(s.dealer_earnings / 100.0 AS NUMERIC(18, 2)) AS dealer_earnings,
       CAST(s.platform_revenue / 100.0 AS NUMERIC(18, 2)) AS platform_revenue
FROM sales s
JOIN lots l ON l.id = s.lot_id
JOIN auctions a ON a.id = s.auction_id
JOIN dealers d ON d.id = s.dealer_id
JOIN cars c ON c.id = l.car_id
WHERE s.sold_at >= $start AND s.sold_at < $end
ORDER BY s.sold_at, s.id
