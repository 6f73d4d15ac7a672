"""An auction card's live summary (cover, live lots, next lot to close) on both stores."""

from __future__ import annotations

from domain.auctions.lifecycle import Phase
from domain.auctions.queries import auction_browse
from tests.app.test_auctions_list import a_live_auction
from tests.support.factories import make_user


def test_a_live_cards_summary_reads_the_same_on_both_stores(store: str) -> None:
    lots = a_live_auction("Both stores sale", bid_on_second=True)
    card = next(c for c in auction_browse(make_user(), Phase.LIVE) if c.title == "Both stores sale")
    assert card.cover_photo == "cover-key.webp" and card.lots == 3 and card.live_lots == 2
    assert card.next_lot is not None and card.next_lot.id == lots[1].id and card.next_lot.bid_count == 1
    assert card.total_bids == 1 and card.ends_at > card.next_lot.ends_at
