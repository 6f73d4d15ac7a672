-- name: export_bids
-- Bids placed in [start, end). The bidder is a stable pseudonym, sha256(secret || id)[:10], unless
-- $pseudonymise is false; the hidden maximum is only exported with real identities.
SELECT b.id AS bid_id, b.placed_at, b.lot_id, b.auction_id,
       CASE WHEN $pseudonymise THEN substr(sha256($secret || CAST(b.bidder_id AS VARCHAR)), 1, 10)
            ELSE CAST(b.bidder_id AS VARCHAR) END AS bidder,
       CASE WHEN $pseudonymise THEN NULL ELSE CAST(b.max_amount / 100.0 AS NUMERIC(18, 2)) END AS max_amount,
       CAST(b.price_after / 100.0 AS NUMERIC(18, 2)) AS price_after,
       b.status, b.status_reason
FROM bids b
WHERE b.placed_at >= $start AND b.placed_at < $end
ORDER BY b.placed_at, b.id
