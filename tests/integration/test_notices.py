"""Notifications name what they are about (the car, the lot and the auction), write money as the app
does (₹ with Indian grouping, every paisa), and are listed newest first, on both stores."""

from __future__ import annotations

import uuid
from datetime import timedelta

from data.models import Car, Notification
from data.types import utcnow
from data.uow import UnitOfWork
from domain.auctions import watchlist
from domain.bidding import service
from domain.bidding.retraction import bid_void
from domain.bidding.settlement import lot_decide, settle_lot
from domain.notifications import notifications_of
from domain.permissions import Actor
from tests.support.factories import live_lot, make_admin, make_dealer, make_user

AUCTION = "Pune weekend sale"  # the factories' auction title


def bid(actor: Actor, lot_id: int | None, amount: str) -> service.BidReceipt:
    return service.bid_place(actor, lot_id=lot_id or 0, maximum=amount, key=uuid.uuid4().hex)


def car_of(car_id: int) -> str:
    with UnitOfWork(write=False) as uow:
        car = uow.session.get(Car, car_id)
        assert car is not None
        return f"{car.year} {car.make} {car.model} {car.variant}".strip()


def said(actor: Actor) -> dict[str, str]:
    return {item.kind: item.message for item in notifications_of(actor)}


def test_won_sold_lost_and_outbid_name_the_car_and_auction_in_rupees(store: str) -> None:
    dealer = make_dealer()
    lot = live_lot(dealer, reserve=None, closes_in=timedelta(minutes=5))
    winner, loser = make_user(), make_user()
    bid(loser, lot.id, "753000")
    bid(winner, lot.id, "800000.50")
    settle_lot(lot.id or 0, now=utcnow() + timedelta(minutes=30))
    about = f"{car_of(lot.car_id)} (lot 1, {AUCTION})"
    assert said(loser)["outbid"] == f"You were outbid on the {about}: the price is now ₹7,58,000."
    assert said(loser)["lost"] == f"The {about} closed at ₹7,58,000; you did not win it."
    assert said(winner)["won"] == (f"You won the {about} at ₹7,58,000; with the buyer's premium you owe "
                                   "₹7,95,900.")
    assert said(dealer)["sold"] == f"Your {about} sold for ₹7,58,000."


def test_reserve_declined_void_and_reminder_notices_name_the_lot(store: str) -> None:
    dealer = make_dealer()
    lot = live_lot(dealer, closes_in=timedelta(minutes=30))
    about = f"{car_of(lot.car_id)} (lot 1, {AUCTION})"
    bidder, voided, watcher = make_user(), make_user(), make_user()
    wrong = bid(voided, lot.id, "310000")
    bid_void(make_admin(), wrong.bid_id, reason="Shill bidding")
    assert said(voided)["bid_removed"] == f"An admin voided your bid on the {about}: Shill bidding"
    watchlist.watch(watcher, lot.id or 0)
    watchlist.remind_ending_soon()
    assert said(watcher)["ending_soon"] == f"The {about}, which you watch, closes within the hour."
    bid(bidder, lot.id, "350000.25")
    later = utcnow() + timedelta(hours=1)
    settle_lot(lot.id or 0, now=later)
    assert said(dealer)["decision_needed"] == (f"Your {about} ended below your reserve at ₹3,00,000: "
                                               "accept or decline within 24 hours.")
    assert said(bidder)["reserve_not_met"].startswith(f"The {about} ended below the reserve")
    lot_decide(dealer, lot.id or 0, accept=False, now=later)
    assert said(bidder)["offer_declined"] == f"The dealer declined your bid on the {about}."


def test_notifications_are_listed_newest_first(store: str) -> None:
    reader = make_user()
    now = utcnow()
    with UnitOfWork() as uow:  # written out of time order, as history seeded by the demo is
        for minutes_ago in (5, 60, 1, 30):
            uow.session.add(Notification(user_id=reader.id, kind="outbid", message=f"{minutes_ago} min ago",
                                         created_at=now - timedelta(minutes=minutes_ago)))
        uow.commit()
    listed = notifications_of(reader)
    assert [item.message for item in listed] == ["1 min ago", "5 min ago", "30 min ago", "60 min ago"]
    assert [item.created_at for item in listed] == sorted((item.created_at for item in listed), reverse=True)
