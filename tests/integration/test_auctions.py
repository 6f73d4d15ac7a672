"""Auctions on both stores: creation rules, the lifecycle on the clock, who may change what."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from data.models import Auction, AuditLog, Car, Lot
from data.types import utcnow
from data.uow import UnitOfWork
from domain.auctions import service as auctions
from domain.auctions.lifecycle import Phase
from domain.auctions.queries import auction_browse, auction_detail, cars_ready_for_auction
from domain.auctions.rules import LotSpec
from domain.bidding.service import bid_place
from domain.bidding.settlement import lot_decide, settle_lot
from domain.errors import Forbidden, InvalidTransition, NotFound, NotYourStore, ValidationFailed
from tests.support.factories import (
    auction_spec,
    live_lot,
    lot_now,
    make_admin,
    make_auction,
    make_car,
    make_dealer,
    make_user,
    move_auction,
)


def cars_of(auction_id: int) -> list[Car]:
    with UnitOfWork(write=False) as uow:
        return list(uow.session.exec(select(Car).join(Lot, Lot.car_id == Car.id)
                                     .where(Lot.auction_id == auction_id)).all())


def test_publish_lists_the_cars_and_the_clock_drives_the_phase(store: str) -> None:
    dealer, bidder = make_dealer(), make_user()
    auction = make_auction(dealer, cars_=3)
    assert [c.listing_price for c in cars_of(auction.id or 0)] == [Decimal("300000.00")] * 3
    assert [a.id for a in auction_browse(bidder, Phase.UPCOMING)] == [auction.id]
    move_auction(auction.id or 0, starts=-timedelta(minutes=1), first_close=timedelta(minutes=30))
    live = auction_browse(bidder, Phase.LIVE)
    assert [(a.id, a.lots, a.participants, a.total_bids) for a in live] == [(auction.id, 3, 0, 0)]
    move_auction(auction.id or 0, starts=-timedelta(hours=2), first_close=-timedelta(minutes=10))
    assert [a.id for a in auction_browse(bidder, Phase.ENDED)] == [auction.id]
    assert auction_detail(bidder, auction.id or 0).card.phase == Phase.ENDED


def test_lots_close_one_by_one(store: str) -> None:
    dealer = make_dealer()
    auction = make_auction(dealer, cars_=3, lot_interval_s=120)
    lots = auction_detail(dealer, auction.id or 0).lots
    gaps = [(b.ends_at - a.ends_at).total_seconds() for a, b in itertools.pairwise(lots)]
    assert gaps == [120, 120]


def test_reserve_is_never_shown_only_whether_it_is_met(store: str) -> None:
    dealer, bidder = make_dealer(), make_user()
    auction = make_auction(dealer, cars_=1)
    lot = auction_detail(bidder, auction.id or 0).lots[0]
    assert lot.has_reserve and not lot.reserve_met
    assert "reserve_price" not in lot.__dataclass_fields__


@pytest.mark.parametrize(
    ("change", "field"),
    [({"title": "x"}, "title"), ({"starts_at_shift": -timedelta(days=1)}, "starts_at"),
     ({"runs": timedelta(minutes=2)}, "ends_at"), ({"lot_interval_s": 5000}, "lot_interval_s")],
)
def test_bad_auctions_are_refused_with_the_field(store: str, change: dict[str, object], field: str) -> None:
    dealer, change = make_dealer(), dict(change)  # parameters are shared by both stores' runs
    car = make_car(dealer)
    spec = auction_spec([car.id or 0], runs=change.pop("runs", timedelta(hours=2)))  # type: ignore[arg-type]
    if "starts_at_shift" in change:
        spec = replace(spec, starts_at=spec.starts_at + change.pop("starts_at_shift"))  # type: ignore[operator]
    spec = replace(spec, **change)  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed) as failure:
        auctions.auction_create(dealer, dealer.dealer_id or 0, spec)
    assert field in failure.value.problems


def test_lot_prices_must_make_sense(store: str) -> None:
    dealer = make_dealer()
    car = make_car(dealer)
    spec = auction_spec([car.id or 0])
    bad = replace(spec, lots=(LotSpec(car.id or 0, Decimal("500000"), Decimal("400000"), None),))
    with pytest.raises(ValidationFailed, match="reserve cannot be below"):
        auctions.auction_create(dealer, dealer.dealer_id or 0, bad)


def test_cars_must_be_own_and_not_in_another_open_auction(store: str) -> None:
    dealer, other = make_dealer(), make_dealer()
    auction = make_auction(dealer, cars_=1)
    busy = cars_of(auction.id or 0)[0]
    with pytest.raises(ValidationFailed, match="another open auction"):
        auctions.auction_create(dealer, dealer.dealer_id or 0, auction_spec([busy.id or 0]))
    with pytest.raises(ValidationFailed, match="Not one of your cars"):
        auctions.auction_create(other, other.dealer_id or 0, auction_spec([busy.id or 0]))
    with pytest.raises(NotYourStore):
        auctions.auction_create(other, dealer.dealer_id or 0, auction_spec([busy.id or 0]))
    with pytest.raises(Forbidden):
        auctions.auction_create(make_user(), dealer.dealer_id or 0, auction_spec([busy.id or 0]))


def test_live_auction_changes_only_its_description(store: str) -> None:
    dealer = make_dealer()
    auction = make_auction(dealer, cars_=1)
    move_auction(auction.id or 0, starts=-timedelta(minutes=1), first_close=timedelta(minutes=30))
    car_ids = [c.id or 0 for c in cars_of(auction.id or 0)]
    updated = auctions.auction_update(dealer, auction.id or 0,
                                      auction_spec(car_ids, title="Renamed", description="Now with photos"))
    assert updated.description == "Now with photos" and updated.title == "Pune weekend sale"
    with pytest.raises(InvalidTransition, match="only an admin"):
        auctions.auction_cancel(dealer, auction.id or 0, reason="changed my mind")
    auctions.auction_cancel(make_admin(), auction.id or 0, reason="Title documents missing")
    with UnitOfWork(write=False) as uow:
        stored = uow.session.get(Auction, auction.id)
    assert stored is not None and stored.cancel_reason == "Title documents missing"
    assert all(c.listing_lot_id is None for c in cars_of(auction.id or 0))


def test_drafts_are_private_and_deletable_published_ones_are_not(store: str) -> None:
    dealer, bidder = make_dealer(), make_user()
    draft = make_auction(dealer, publish=False)
    with pytest.raises(NotFound):
        auction_detail(bidder, draft.id or 0)
    assert auction_detail(dealer, draft.id or 0).card.phase == Phase.DRAFT
    auctions.auction_delete(dealer, draft.id or 0)
    published = make_auction(dealer)
    with pytest.raises(InvalidTransition, match="Only a draft"):
        auctions.auction_delete(dealer, published.id or 0)
    auctions.auction_cancel(dealer, published.id or 0, reason="Rescheduling next week")
    assert [a.id for a in auction_browse(bidder, Phase.CANCELLED)] == [published.id]


def test_upcoming_auction_is_fully_editable_and_every_change_audited(store: str) -> None:
    dealer = make_dealer()
    auction = make_auction(dealer, cars_=2)
    new_car = make_car(dealer)
    auctions.auction_update(dealer, auction.id or 0, auction_spec([new_car.id or 0], title="One car only"))
    detail = auction_detail(dealer, auction.id or 0)
    assert [lot.car_id for lot in detail.lots] == [new_car.id] and detail.card.title == "One car only"
    with UnitOfWork(write=False) as uow:
        actions = uow.session.exec(select(AuditLog.action)).all()
    assert {"auction_create", "auction_publish", "auction_update"} <= set(actions)


def test_a_car_awaiting_the_dealers_answer_is_still_held(store: str) -> None:
    """Ended below reserve, the dealer may still accept: until then the car is in no other auction."""
    dealer = make_dealer()
    lot = live_lot(dealer, closes_in=timedelta(minutes=5))
    bid_place(make_user(), lot_id=lot.id or 0, maximum="350000", key="held-car-bid")
    settle_lot(lot.id or 0, now=utcnow() + timedelta(minutes=10))
    assert lot_now(lot.id or 0).decision == "pending"
    assert lot.car_id not in [car_id for car_id, _ in cars_ready_for_auction(dealer, dealer.dealer_id or 0)]
    with pytest.raises(ValidationFailed, match="another open auction"):
        auctions.auction_create(dealer, dealer.dealer_id or 0, auction_spec([lot.car_id]))
    lot_decide(dealer, lot.id or 0, accept=False)
    assert lot.car_id in [car_id for car_id, _ in cars_ready_for_auction(dealer, dealer.dealer_id or 0)]
    auctions.auction_create(dealer, dealer.dealer_id or 0, auction_spec([lot.car_id]))
