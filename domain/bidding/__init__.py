"""The bidding engine: pure rules (`rules`), the money of a sale (`fees`), and the services that
apply them under a lock (`service`, `settlement`, `retraction`)."""
