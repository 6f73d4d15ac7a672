-- name: dealer_summary
-- One row for a dealer's lots whose end time falls in [start, end), in published auctions.
-- offered = those lots; closed = those with an outcome; sell_through = sold / closed (a live lot is
-- not unsold; NULL before any lot closed); money from the sales table, in rupees;
-- per-lot averages count active bids (retracted and voided bids are not bids any more).
-- lots_with_dealer / bids_with_dealer: lots and bids with their auction's dealer (analytics/sql/views/).
WITH dl AS (
    SELECT l.id, l.auction_id, l.outcome, l.starting_price, l.reserve_price
    FROM lots_with_dealer l JOIN auctions a ON a.id = l.auction_id
    WHERE l.dealer_id = $dealer_id AND a.status = 'scheduled'
      AND l.ends_at >= $start AND l.ends_at < $end
), money AS (
    SELECT s.hammer, s.dealer_earnings, dl.reserve_price, dl.starting_price
    FROM sales s JOIN dl ON dl.id = s.lot_id
), activity AS (
    SELECT count(*) AS bids, count(DISTINCT CAST(b.lot_id AS VARCHAR) || ':' || CAST(b.bidder_id AS VARCHAR))
           AS lot_bidders
    FROM bids_with_dealer b JOIN dl ON dl.id = b.lot_id
    WHERE b.dealer_id = $dealer_id AND b.status = 'active'
), counts AS (
    SELECT count(DISTINCT auction_id) AS auctions_held,
           count(*) AS lots_offered,
           count(*) FILTER (WHERE outcome IS NOT NULL) AS lots_closed,
           count(*) FILTER (WHERE outcome = 'sold') AS sold,
           count(*) FILTER (WHERE outcome = 'unsold') AS unsold,
           count(*) FILTER (WHERE outcome = 'reserve_not_met') AS reserve_not_met
    FROM dl
)
SELECT c.auctions_held, c.lots_offered, c.lots_closed, c.sold, c.unsold, c.reserve_not_met,
       CAST(c.sold AS DOUBLE PRECISION) / NULLIF(c.lots_closed, 0) AS sell_through,
       CAST(coalesce((SELECT sum(hammer) FROM money), 0) / 100.0 AS NUMERIC(18, 2)) AS gross_hammer,
       CAST(coalesce((SELECT sum(dealer_earnings) FROM money), 0) / 100.0 AS NUMERIC(18, 2)) AS earnings,
       (SELECT avg(CAST(hammer AS DOUBLE PRECISION) / reserve_price) FROM money
        WHERE reserve_price IS NOT NULL) AS avg_hammer_to_reserve,
       (SELECT avg(CAST(hammer AS DOUBLE PRECISION) / starting_price) FROM money) AS avg_hammer_to_starting,
       CAST(act.bids AS DOUBLE PRECISION) / NULLIF(c.lots_offered, 0) AS bids_per_lot,
       CAST(act.lot_bidders AS DOUBLE PRECISION) / NULLIF(c.lots_offered, 0) AS bidders_per_lot
FROM counts c CROSS JOIN activity act
