"""Who is told when buy now closes a lot early: its other bidders (their bids no longer stand) and its
watchers (the lot they follow is gone). Written in the purchase's own transaction, so a purchase that
rolls back tells nobody, and a repeated request (the same idempotency key) tells nobody twice."""

from __future__ import annotations

from sqlmodel import select

from data.models import Lot, LotBidder, WatchItem
from data.uow import UnitOfWork
from domain.notifications import Kind, notify


def tell_buy_now(uow: UnitOfWork, lot: Lot, buyer_id: int) -> None:
    bidders = set(uow.session.exec(select(LotBidder.bidder_id).where(LotBidder.lot_id == lot.id)).all())
    watchers = set(uow.session.exec(select(WatchItem.user_id).where(WatchItem.lot_id == lot.id)).all())
    price = f"{lot.current_price:,.0f}"
    for bidder in sorted(bidders - {buyer_id}):
        notify(uow, bidder, Kind.LOST, f"Lot {lot.lot_number} was bought now at {price}; your bid no "
                                       "longer stands.", lot.id)
    for watcher in sorted(watchers - bidders - {buyer_id}):
        notify(uow, watcher, Kind.BOUGHT_NOW, f"Lot {lot.lot_number}, which you watch, was bought now at "
                                              f"{price}; bidding has closed.", lot.id)
