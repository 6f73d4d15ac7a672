"""Every auction's soft close is capped: by default 30 minutes after the last lot's scheduled close, or
where the dealer chose within the admin's limits; late bids stop extending at the cap."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from data.models import Auction
from data.uow import UnitOfWork
from domain.auctions.service import auction_create
from domain.bidding.board import lot_board_snapshot
from domain.bidding.service import bid_place
from domain.errors import ValidationFailed
from tests.support.factories import auction_spec, live_lot, make_car, make_dealer, make_user


def latest_end(auction_id: int):  # type: ignore[no-untyped-def]
    with UnitOfWork(write=False) as uow:
        auction = uow.session.get(Auction, auction_id)
        assert auction is not None
        return auction.latest_end_at, auction.ends_at


def test_an_auction_without_a_chosen_cap_gets_the_default(store: str) -> None:
    dealer = make_dealer()
    spec = auction_spec([make_car(dealer).id or 0, make_car(dealer).id or 0])
    auction = auction_create(dealer, dealer.dealer_id or 0, spec)
    latest, last_close = latest_end(auction.id or 0)
    assert latest == spec.lot_ends()[-1] + timedelta(minutes=30) and last_close == spec.lot_ends()[-1]


def test_a_dealer_may_choose_the_cap_within_the_admins_limits(store: str) -> None:
    dealer = make_dealer()
    car = make_car(dealer).id or 0
    close = auction_spec([car]).lot_ends()[-1]
    for too in (close + timedelta(minutes=1), close + timedelta(days=4)):
        with pytest.raises(ValidationFailed, match="latest end"):
            auction_create(dealer, dealer.dealer_id or 0, auction_spec([car], latest_end_at=too))
    chosen = auction_spec([car], latest_end_at=close + timedelta(hours=2))
    auction = auction_create(dealer, dealer.dealer_id or 0, chosen)
    assert latest_end(auction.id or 0)[0] == chosen.latest_end_at


def test_late_bids_stop_extending_at_the_cap(store: str) -> None:
    lot = live_lot(closes_in=timedelta(minutes=1), reserve=None, buy_now=None)
    cap, _ = latest_end(lot.auction_id)
    assert cap is not None
    ends, amount, bidders = lot.ends_at, 300_000, [make_user(), make_user()]
    for turn in range(40):  # 2-minute extensions: well past 30 minutes if nothing stopped them
        amount += 5_000
        receipt = bid_place(bidders[turn % 2], lot_id=lot.id or 0, maximum=str(amount),
                            key=uuid.uuid4().hex, now=ends - timedelta(seconds=10))
        assert receipt.ends_at <= cap
        ends = receipt.ends_at
    assert ends == cap
    board = lot_board_snapshot(lot.id or 0, now=cap - timedelta(seconds=5))
    assert board.extended and board.latest_end_at == cap  # what the lot page shows: extended, up to the cap
