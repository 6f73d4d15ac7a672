-- name: bids_with_dealer
-- Every bid with the dealer of its auction. The in-memory copy keeps the dealer as a hidden column of
-- its bids table, ordered by dealer (analytics/memory.py); on the store it is this view.
SELECT a.dealer_id, b.*
FROM bids b JOIN auctions a ON a.id = b.auction_id
