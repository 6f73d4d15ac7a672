-- name: lots_with_dealer
-- Every lot with the dealer of its auction. The in-memory copy keeps the dealer as a hidden column of
-- its lots table, ordered by dealer (analytics/memory.py); on the store it is this view.
SELECT a.dealer_id, l.*
FROM lots l JOIN auctions a ON a.id = l.auction_id
