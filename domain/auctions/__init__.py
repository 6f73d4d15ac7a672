"""Auctions: drafts and publishing, the lifecycle derived from the clock, soft close, reserve
decisions, watchlists."""
