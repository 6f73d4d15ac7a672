"""The auction page offers an admin to cancel only an auction that has not ended (its results stand)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.app.conftest import page_as
from tests.support.factories import make_admin, make_auction, make_dealer, move_auction


@pytest.mark.parametrize(("first_close", "offered"),
                         [(timedelta(hours=1), True), (-timedelta(hours=1), False)])
def test_admin_may_cancel_a_live_auction_but_not_an_ended_one(first_close: timedelta, offered: bool) -> None:
    auction = make_auction(make_dealer(), cars_=1)
    move_auction(auction.id or 0, starts=-timedelta(hours=2), first_close=first_close)
    at = page_as(make_admin(), "pages/auction.py", id=auction.id)
    assert not at.exception
    assert any(e.label == "Cancel this auction (admin)" for e in at.expander) is offered
