-- One bid as raw SQL, for pgbench: every statement domain.bidding.service.bid_place sends on PostgreSQL,
-- in its order, with its columns (captured from SQLAlchemy's echo of a real bid; see bench/bid_bench.py).
-- The rules (the new price) are one line of arithmetic here; the service asks domain/bidding/rules.py.
--
--   pgbench -n -M prepared -c 64 -T 20 -f bench/bid_txn.sql \
--           -D lot_lo=1 -D lot_hi=1 -D bidder_lo=2 -D bidder_hi=513 <database URL>
--
-- Prices are integer paise (data.types.Money). The bench's ladder steps by 1 rupee = 100 paise.

\set lot random(:lot_lo, :lot_hi)
\set bidder random(:bidder_lo, :bidder_hi)
\set key random(1, 1000000000000)

-- 1. A resubmitted form? (its own short read transaction, before the bid's)
BEGIN;
SELECT bids.id, bids.lot_id, bids.auction_id, bids.bidder_id, bids.max_amount, bids.price_after,
       bids.leader_after, bids.placed_at, bids.status, bids.status_reason, bids.status_changed_at,
       bids.idempotency_key, lots.id AS id_1, lots.auction_id AS auction_id_1, lots.car_id, lots.lot_number,
       lots.starting_price, lots.reserve_price, lots.buy_now_price, lots.current_price, lots.leader_id,
       lots.leader_max, lots.bid_count, lots.bidder_count, lots.ends_at, lots.extended, lots.outcome,
       lots.settled_at, lots.decision, lots.decision_due_at, lots.changed_after_bids_at, lots.version
  FROM bids JOIN lots ON lots.id = bids.lot_id
 WHERE bids.bidder_id = :bidder AND bids.idempotency_key = 'pgb-' || :key::text;
ROLLBACK;

-- 2. The bid: bidder still active, the ladder, the lot locked with its auction and store.
BEGIN;
SELECT users.status FROM users WHERE users.id = :bidder;
SELECT increment_bands.min_price, increment_bands.step FROM increment_bands ORDER BY increment_bands.min_price;
SELECT lots.id, lots.auction_id, lots.car_id, lots.lot_number, lots.starting_price, lots.reserve_price,
       lots.buy_now_price, lots.current_price, lots.leader_id, lots.leader_max, lots.bid_count,
       lots.bidder_count, lots.ends_at, lots.extended, lots.outcome, lots.settled_at, lots.decision,
       lots.decision_due_at, lots.changed_after_bids_at, lots.version, auctions.id AS id_1,
       auctions.dealer_id, auctions.title, auctions.description, auctions.status, auctions.starts_at,
       auctions.ends_at AS ends_at_1, auctions.latest_end_at, auctions.soft_close_window_s,
       auctions.soft_close_extension_s, auctions.buyer_premium_pct, auctions.premium_min,
       auctions.premium_max, auctions.cancel_reason, auctions.created_at, auctions.updated_at,
       dealers.id AS id_2, dealers.user_id, dealers.store_name, dealers.address, dealers.city,
       dealers.postal_code, dealers.phone, dealers.status AS status_1, dealers.seller_fee_pct,
       dealers.review_note, dealers.reviewed_by, dealers.reviewed_at, dealers.created_at AS created_at_1,
       dealers.updated_at AS updated_at_1,
       coalesce(lots.current_price, lots.starting_price) AS price_now, coalesce(lots.leader_id, 0) AS leader_now
  FROM lots JOIN auctions ON auctions.id = lots.auction_id JOIN dealers ON dealers.id = auctions.dealer_id
 WHERE lots.id = :lot FOR UPDATE OF lots \gset l_
\set price :l_price_now + 100
\set maximum :price + 100
\set bid_count :l_bid_count + 1
\set version :l_version + 1

-- 3. The counters' insert-once rows (the service reads RETURNING to know a first bid on the lot).
WITH inserted AS (INSERT INTO lot_bidders (lot_id, bidder_id) VALUES (:lot, :bidder)
                  ON CONFLICT DO NOTHING RETURNING 1 AS anon_1)
SELECT count(*) AS first_on_lot FROM inserted \gset
INSERT INTO auction_participants (auction_id, bidder_id, joined_at) VALUES (:l_auction_id, :bidder, now())
    ON CONFLICT DO NOTHING RETURNING 1 AS anon_1;
\set bidder_count :l_bidder_count + :first_on_lot

-- 4. The lot's new state, its change-log row, the car's listing and its change-log row.
UPDATE lots SET current_price = :price, leader_id = :bidder, leader_max = :maximum, bid_count = :bid_count,
       bidder_count = :bidder_count, version = :version
 WHERE lots.id = :lot;
SELECT pg_current_xact_id()::text::bigint AS txid \gset
INSERT INTO change_log (txid, at, entity, entity_id, op) VALUES (:txid, now(), 'lots', :lot, 'update')
    RETURNING change_log.id;
UPDATE cars SET listing_price = :price, listing_ends_at = :l_ends_at WHERE cars.id = :l_car_id;
INSERT INTO change_log (txid, at, entity, entity_id, op) VALUES (:txid, now(), 'cars', :l_car_id, 'update')
    RETURNING change_log.id;

-- 5. The audit entry, the bid, the outbid notification, the bid's change-log row; commit.
INSERT INTO audit_log (at, actor_id, action, entity, entity_id, before, after)
    VALUES (now(), :bidder, 'bid_place', 'lots', :lot, NULL,
            json_build_object('outcome', 'leading', 'price', (:price)::text, 'key', 'pgb-' || :key::text))
    RETURNING audit_log.id;
INSERT INTO bids (lot_id, auction_id, bidder_id, max_amount, price_after, leader_after, placed_at, status,
                  status_reason, status_changed_at, idempotency_key)
    VALUES (:lot, :l_auction_id, :bidder, :maximum, :price, :bidder, now(), 'active', NULL, NULL,
            'pgb-' || :key::text)
    RETURNING bids.id AS bid_id \gset
INSERT INTO notifications (user_id, kind, lot_id, message, created_at, read_at)
    SELECT :l_leader_now, 'outbid', :lot, 'You were outbid on lot ' || (:l_lot_number)::text
           || ': the price is now ' || (:price)::text || '.', now(), NULL
     WHERE (:l_leader_now)::int NOT IN (0, :bidder)
    RETURNING notifications.id;
INSERT INTO change_log (txid, at, entity, entity_id, op) VALUES (:txid, now(), 'bids', :bid_id, 'insert')
    RETURNING change_log.id;
COMMIT;
