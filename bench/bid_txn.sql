-- One bid as raw SQL, for pgbench: every statement domain.bidding.service.bid_place sends on PostgreSQL,
-- in its order, with its columns (data/bid_store.py builds them; echo them with SQLAlchemy to compare).
-- The rules (the new price) are one line of arithmetic here; the service asks domain/bidding/rules.py.
--
--   pgbench -n -M prepared -c 64 -T 20 -f bench/bid_txn.sql \
--           -D lot_lo=1 -D lot_hi=1 -D bidder_lo=2 -D bidder_hi=513 <database URL>
--
-- Prices are integer paise (data.types.Money). The bench's ladder steps by 1 rupee = 100 paise.

\set lot random(:lot_lo, :lot_hi)
\set bidder random(:bidder_lo, :bidder_hi)
\set key random(1, 1000000000000)

BEGIN;
-- 1. The lot, locked, with all a bid needs: auction, store, bidder's status, an earlier submission with
--    this key, the ladder. (price_now and leader_now are the pgbench stand-in for the rules.)
SELECT lots.id AS lot_id, lots.auction_id, lots.car_id, lots.lot_number,
       CAST(cars.year AS VARCHAR) || ' ' || cars.make || ' ' || cars.model || ' ' || cars.variant AS car_title,
       auctions.title AS auction_title, lots.starting_price,
       lots.reserve_price, lots.buy_now_price, lots.current_price, lots.leader_id, lots.leader_max, lots.ends_at,
       lots.extended, lots.outcome, auctions.status AS auction_status, auctions.starts_at,
       auctions.latest_end_at, auctions.soft_close_window_s, auctions.soft_close_extension_s,
       dealers.id AS dealer_id, dealers.user_id AS dealer_user_id, users.status AS bidder_status,
       earlier.id AS earlier_bid_id, earlier.lot_id AS earlier_lot_id, earlier.price_after AS earlier_price,
       earlier.leader_after AS earlier_leader, earlier.fingerprint AS earlier_fingerprint,
       (SELECT string_agg(CAST(increment_bands.min_price AS VARCHAR) || ':' || CAST(increment_bands.step AS VARCHAR), ',')
          FROM increment_bands) AS ladder,
       coalesce(lots.current_price, lots.starting_price) AS price_now, coalesce(lots.leader_id, 0) AS leader_now
  FROM lots JOIN auctions ON auctions.id = lots.auction_id JOIN cars ON cars.id = lots.car_id
  JOIN dealers ON dealers.id = auctions.dealer_id
  LEFT OUTER JOIN users ON users.id = :bidder
  LEFT OUTER JOIN bids AS earlier ON earlier.bidder_id = :bidder AND earlier.idempotency_key = 'pgb-' || :key::text
 WHERE lots.id = :lot FOR UPDATE OF lots \gset l_
\set price :l_price_now + 100
\set maximum :price + 100

-- 2. Everything the bid writes, and the boards' event, in one statement.
WITH first_on_lot AS (
    INSERT INTO lot_bidders (lot_id, bidder_id) VALUES (:lot, :bidder) ON CONFLICT DO NOTHING RETURNING 1),
joined AS (
    INSERT INTO auction_participants (auction_id, bidder_id, joined_at) VALUES (:l_auction_id, :bidder, now())
    ON CONFLICT DO NOTHING),
lot AS (
    UPDATE lots SET current_price = :price, leader_id = :bidder, leader_max = :maximum,
           bid_count = lots.bid_count + 1, bidder_count = lots.bidder_count + (SELECT count(*) FROM first_on_lot),
           ends_at = lots.ends_at, extended = lots.extended, version = lots.version + 1
     WHERE lots.id = :lot RETURNING lots.version),
car AS (
    UPDATE cars SET listing_price = :price, listing_ends_at = :l_ends_at WHERE cars.id = :l_car_id),
auction AS (
    UPDATE auctions SET ends_at = :l_ends_at WHERE auctions.id = :l_auction_id AND auctions.ends_at < :l_ends_at
    RETURNING auctions.id),
note AS (
    INSERT INTO notifications (user_id, kind, lot_id, message, created_at)
    SELECT :l_leader_now, 'outbid', :lot, 'You were outbid on the ' || :l_car_title || ' (lot ' || :l_lot_number
           || ', ' || :l_auction_title || '): the price is now ₹' || (:price / 100)::text || '.', now()
     WHERE (:l_leader_now)::int NOT IN (0, :bidder)),
audit AS (
    INSERT INTO audit_log (at, actor_id, action, entity, entity_id, after)
    VALUES (now(), :bidder, 'bid_place', 'lots', :lot,
            json_build_object('outcome', 'leading', 'price', (:price)::text, 'key', 'pgb-' || :key::text))),
bid AS (
    INSERT INTO bids (lot_id, auction_id, bidder_id, max_amount, price_after, leader_after, placed_at, status,
                      idempotency_key, fingerprint)
    VALUES (:lot, :l_auction_id, :bidder, :maximum, :price, :bidder, now(), 'active', 'pgb-' || :key::text,
            md5(:lot::text || :maximum::text) || md5(:bidder::text))
    RETURNING bids.id),
changes AS (
    INSERT INTO change_log (txid, at, entity, entity_id, op)
    SELECT pg_current_xact_id()::text::bigint, now(), 'lots', (:lot)::int, 'update'
    UNION ALL SELECT pg_current_xact_id()::text::bigint, now(), 'cars', (:l_car_id)::int, 'update'
    UNION ALL SELECT pg_current_xact_id()::text::bigint, now(), 'bids', bid.id, 'insert' FROM bid
    UNION ALL SELECT pg_current_xact_id()::text::bigint, now(), 'auctions', auction.id, 'update' FROM auction),
-- Which displaced leader gets this outbid by email too (data/email_preferences.recipients_select, asked by
-- the write itself: no round trip of its own while the lot is locked). Nobody in the bench has chosen it.
emailed AS (
    SELECT users.id, users.email, users.name
      FROM users LEFT OUTER JOIN email_preferences
        ON email_preferences.user_id = users.id AND email_preferences.topic = 'outbid'
     WHERE users.id = (:l_leader_now)::int AND users.id <> :bidder
       AND users.email_verified_at IS NOT NULL AND users.deleted_at IS NULL
       AND coalesce(email_preferences.enabled, false) IS true
       AND NOT (EXISTS (SELECT * FROM email_outbox
                         WHERE email_outbox.user_id = users.id AND email_outbox.lot_id = :lot
                           AND email_outbox.kind = 'outbid'
                           AND email_outbox.created_at >= (SELECT max(bids.placed_at) FROM bids
                                                            WHERE bids.bidder_id = users.id
                                                              AND bids.lot_id = :lot)))),
-- The boards' event: the lot's new version and the displaced leader's alert, for every server's watchers
-- (data/events.py). NOTIFY serializes the commits of every notifying transaction in the database: part of a
-- bid's cost since the boards are pushed (issue #12), so part of this baseline too.
announced AS (
    SELECT lot.version,
           pg_notify('lot_events', concat_ws(',', (:lot)::text || ':' || lot.version::text,
                     NULLIF(CASE WHEN (:l_leader_now)::int NOT IN (0, :bidder)
                                 THEN 'u' || (:l_leader_now)::text ELSE '' END, ''))) AS sent
      FROM lot)
SELECT bid.id, announced.version,
       (SELECT json_agg(json_build_array(emailed.id, emailed.email, emailed.name)) FROM emailed) AS emailed
  FROM bid, announced;
COMMIT;
