-- name: live_now
-- Auctions and lots open for bidding at $now (published, started, lot not ended nor settled).
SELECT count(DISTINCT a.id) AS live_auctions, count(l.id) AS live_lots
FROM lots l JOIN auctions a ON a.id = l.auction_id
WHERE a.status = 'scheduled' AND a.starts_at <= $now AND l.ends_at > $now AND l.outcome IS NULL
