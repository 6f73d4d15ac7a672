"""A cancelled auction tells every bidder and watcher of its lots, once each, with the reason."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlmodel import select

from data.models import Lot, Notification
from data.uow import UnitOfWork
from domain.auctions import service as auctions
from domain.auctions import watchlist
from domain.bidding.service import bid_place
from tests.support.factories import make_admin, make_auction, make_dealer, make_user, move_auction


def cancel_notices(user_id: int | None) -> list[str]:
    with UnitOfWork(write=False) as uow:
        return list(uow.session.exec(select(Notification.message).where(
            Notification.user_id == user_id, Notification.kind == "auction_cancelled")).all())


def test_cancelling_a_live_auction_tells_every_bidder_and_watcher(store: str) -> None:
    dealer = make_dealer()
    auction = make_auction(dealer, cars_=2)
    move_auction(auction.id or 0, starts=-timedelta(minutes=1), first_close=timedelta(hours=2))
    with UnitOfWork(write=False) as uow:
        first, second = uow.session.exec(select(Lot.id).where(Lot.auction_id == auction.id)
                                         .order_by(Lot.lot_number)).all()
    asha, ben, cara, idle = make_user(), make_user(), make_user(), make_user()
    bid_place(asha, lot_id=first or 0, maximum="320000", key=uuid.uuid4().hex)
    bid_place(ben, lot_id=first or 0, maximum="340000", key=uuid.uuid4().hex)
    bid_place(ben, lot_id=second or 0, maximum="310000", key=uuid.uuid4().hex)
    watchlist.watch(cara, second or 0)
    watchlist.watch(asha, first or 0)
    auctions.auction_cancel(make_admin(), auction.id or 0, reason="Venue flooded overnight")
    assert len(cancel_notices(asha.id)) == 1 and len(cancel_notices(cara.id)) == 1
    assert len(cancel_notices(ben.id)) == 2  # one per lot he bid on
    assert all("Venue flooded overnight" in m for m in cancel_notices(ben.id))
    assert cancel_notices(idle.id) == []


def test_cancelling_an_upcoming_auction_tells_its_watchers(store: str) -> None:
    dealer = make_dealer()
    auction = make_auction(dealer, cars_=1)
    with UnitOfWork(write=False) as uow:
        lot_id = uow.session.exec(select(Lot.id).where(Lot.auction_id == auction.id)).one()
    watcher = make_user()
    watchlist.watch(watcher, lot_id or 0)
    auctions.auction_cancel(dealer, auction.id or 0, reason="Car sold privately")
    assert ["Car sold privately" in m for m in cancel_notices(watcher.id)] == [True]
