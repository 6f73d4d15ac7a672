"""The soft-close cap on screen: the lot board, the pushed board's fields and the auction page say how
late a lot can run, in the viewer's zone."""

from __future__ import annotations

import json
from datetime import datetime

from data.models import Auction
from data.uow import UnitOfWork
from domain.bidding.board import lot_board_snapshot
from tests.app.conftest import page_as, texts
from tests.support.factories import live_lot, make_user
from ui.format import local_time
from ui.live_view import public_board


def cap_of(auction_id: int) -> datetime:
    with UnitOfWork(write=False) as uow:
        auction = uow.session.get(Auction, auction_id)
        assert auction is not None and auction.latest_end_at is not None
        return auction.latest_end_at


def test_the_lot_board_names_the_latest_a_late_bid_can_keep_it_open() -> None:
    lot = live_lot()
    at = page_as(make_user(), "pages/lot.py", id=lot.id)
    assert not at.exception
    cap = local_time(cap_of(lot.auction_id), "Asia/Kolkata")
    assert f", no later than {cap}" in texts(at) and cap.endswith("IST")


def test_the_pushed_board_carries_the_cap() -> None:
    lot = live_lot()
    fields = json.loads(public_board(lot_board_snapshot(lot.id)).shared)
    assert datetime.fromisoformat(fields["latest_end_at"]) == cap_of(lot.auction_id)


def test_the_auction_page_states_the_cap_with_the_soft_close_rule() -> None:
    lot = live_lot(soft_close_window_s=120, soft_close_extension_s=60)
    caption = " ".join(c.value for c in page_as(make_user(), "pages/auction.py", id=lot.auction_id).caption)
    cap = local_time(cap_of(lot.auction_id), "Asia/Kolkata")
    assert f"keeps that lot open until 1 min after the bid, no later than {cap}" in caption
