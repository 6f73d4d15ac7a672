"""Buy now tells everyone it affects: the lot's other bidders and its watchers, once each (both stores)."""

from __future__ import annotations

import uuid

from sqlmodel import select

from data.models import Notification
from data.uow import UnitOfWork
from domain.auctions import watchlist
from domain.bidding.service import bid_place, lot_buy_now
from tests.support.factories import live_lot, make_user


def kinds(user_id: int | None) -> list[str]:
    with UnitOfWork(write=False) as uow:
        query = select(Notification.kind).where(Notification.user_id == user_id)
        return sorted(uow.session.exec(query).all())


def test_buy_now_tells_the_bidders_it_outbids_and_the_watchers(store: str) -> None:
    lot = live_lot()  # reserve 4,00,000: buy now stays while bids are below it
    asha, ben, cara, dan = make_user(), make_user(), make_user(), make_user()
    bid_place(asha, lot_id=lot.id or 0, maximum="310000", key=uuid.uuid4().hex)
    bid_place(cara, lot_id=lot.id or 0, maximum="350000", key=uuid.uuid4().hex)
    watchlist.watch(ben, lot.id or 0)
    watchlist.watch(cara, lot.id or 0)
    watchlist.watch(dan, lot.id or 0)
    key = uuid.uuid4().hex
    lot_buy_now(dan, lot_id=lot.id or 0, key=key)
    lot_buy_now(dan, lot_id=lot.id or 0, key=key)  # a retry tells nobody again
    assert kinds(asha.id) == ["lost", "outbid"]
    assert kinds(cara.id) == ["lost"]  # a bidder who also watches is told once
    assert kinds(ben.id) == ["bought_now"]
    assert kinds(dan.id) == ["won"]
    with UnitOfWork(write=False) as uow:
        told = uow.session.exec(select(Notification.message).where(Notification.user_id == ben.id)).one()
    assert "bought now at 600,000" in told
