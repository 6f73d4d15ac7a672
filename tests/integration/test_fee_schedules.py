"""Fees are the platform's (issue #15): admins set versioned, audited schedules; a sale keeps the fees in
force at its hammer whatever changes later. On both stores."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal as D

import pytest
from sqlmodel import col, func, select

from data.models import AuditLog, FeeScheduleBand, FeeScheduleVersion, Sale
from data.types import utcnow
from data.uow import UnitOfWork
from domain.bidding import service
from domain.bidding.board import lot_board_snapshot
from domain.bidding.fee_schedule import (
    fee_history,
    fee_overview,
    premium_schedule_set,
    sale_fees,
    seller_fee_set,
)
from domain.bidding.fees import DEFAULT_BUYER_PREMIUM, FeeBand
from domain.bidding.settlement import settle_lot
from domain.errors import Forbidden, NotFound, ValidationFailed
from domain.types import FeeKind, Role
from tests.support.factories import live_lot, make_admin, make_dealer, make_user, move_auction

TIERS = [FeeBand(D(0), percent=D(10), minimum=D(2000)), FeeBand(D(500_000), percent=D(4), maximum=D(30_000))]


def buy_now(lot_id: int) -> Sale:
    service.lot_buy_now(make_user(), lot_id=lot_id, key=uuid.uuid4().hex)
    with UnitOfWork(write=False) as uow:
        return uow.session.exec(select(Sale).where(Sale.lot_id == lot_id)).one()


def counts() -> tuple[int, int, int]:
    with UnitOfWork(write=False) as uow:
        return tuple(uow.session.exec(select(func.count()).select_from(table)).one()  # type: ignore[return-value]
                     for table in (FeeScheduleVersion, FeeScheduleBand, AuditLog))


def test_a_sale_keeps_its_fees_after_the_schedules_change(store: str) -> None:
    admin, dealer = make_admin(), make_dealer()
    premium = premium_schedule_set(admin, TIERS, note="launch")
    seller = seller_fee_set(admin, [FeeBand(D(0), flat=D(3000))])
    first = buy_now(live_lot(dealer, buy_now=D(600_000)).id or 0)
    assert (first.hammer, first.buyer_premium, first.seller_fee) == (D(600_000), D(24_000), D(3000))
    assert (first.buyer_total, first.dealer_earnings, first.platform_revenue) == (D(624_000), D(597_000),
                                                                                   D(27_000))
    assert (first.premium_schedule_id, first.seller_fee_schedule_id) == (premium.version, seller.version)

    premium_schedule_set(admin, [FeeBand(D(0), percent=D(1))])
    seller_fee_set(admin, [FeeBand(D(0), percent=D(2))], dealer_id=dealer.dealer_id)
    second = buy_now(live_lot(dealer, buy_now=D(600_000)).id or 0)
    assert (second.buyer_premium, second.seller_fee) == (D(6000), D(12_000))
    with UnitOfWork(write=False) as uow:
        again = uow.session.get(Sale, first.id)
    assert again is not None and (again.buyer_premium, again.seller_fee, again.buyer_total) == (
        D(24_000), D(3000), D(624_000))


def test_a_settled_lot_is_priced_by_the_band_its_hammer_falls_in(store: str) -> None:
    admin, dealer = make_admin(), make_dealer()
    premium_schedule_set(admin, TIERS)
    lot = live_lot(dealer, reserve=None, buy_now=None)
    service.bid_place(make_user(), lot_id=lot.id or 0, maximum=D(500_000), key=uuid.uuid4().hex)
    # The hammer must fall after the schedule was set (one set now is not in force a minute ago).
    move_auction(lot.auction_id, starts=-timedelta(hours=2), first_close=timedelta(seconds=1))
    assert settle_lot(lot.id or 0, now=utcnow() + timedelta(minutes=1))
    with UnitOfWork(write=False) as uow:
        sale = uow.session.exec(select(Sale).where(Sale.lot_id == lot.id)).one()
    # 3,00,000 is the only bid: the price stays at the start, in the 10 % band (30,000), not the 4 % one.
    assert (sale.hammer, sale.buyer_premium) == (D(300_000), D(30_000))


def test_the_board_shows_the_premium_at_the_price_now(store: str) -> None:
    premium_schedule_set(make_admin(), TIERS)
    board = lot_board_snapshot(live_lot().id or 0)
    assert board.premium_for(board.starting_price) == D(30_000)
    assert board.premium_for(D(500_000)) == D(20_000) and board.premium_for(D(499_999)) == D("49999.90")


def test_each_board_shows_the_premium_in_force_at_its_own_close(store: str) -> None:
    """A schedule that starts tomorrow prices the lots that close after it starts, and only those."""
    admin = make_admin()
    premium_schedule_set(admin, [FeeBand(D(0), percent=D(5))])
    premium_schedule_set(admin, [FeeBand(D(0), percent=D(10))], effective_from=utcnow() + timedelta(days=1))
    sooner, later = live_lot(closes_in=timedelta(hours=3)), live_lot(closes_in=timedelta(days=2))
    assert lot_board_snapshot(sooner.id or 0).premium_for(D(400_000)) == D(20_000)
    assert lot_board_snapshot(later.id or 0).premium_for(D(400_000)) == D(40_000)


def test_only_admins_set_fees_and_a_refusal_writes_nothing(store: str) -> None:
    dealer, bidder = make_dealer(), make_user()
    for actor in (dealer, bidder, make_user(Role.ANALYST)):
        with pytest.raises(Forbidden):
            premium_schedule_set(actor, TIERS)
        with pytest.raises(Forbidden):
            seller_fee_set(actor, [FeeBand(D(0))], dealer_id=dealer.dealer_id)
        with pytest.raises(Forbidden):
            fee_history(actor, FeeKind.BUYER_PREMIUM)
    admin = make_admin()
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        premium_schedule_set(admin, [FeeBand(D(0), minimum=D(10), maximum=D(5))])
    assert "band 1" in refused.value.problems
    with pytest.raises(ValidationFailed):
        premium_schedule_set(admin, TIERS, effective_from=utcnow() - timedelta(minutes=1))
    with pytest.raises(NotFound):
        seller_fee_set(admin, [FeeBand(D(0))], dealer_id=999_999)
    assert counts() == before
    assert fee_overview(admin).buyer_premium == DEFAULT_BUYER_PREMIUM


def test_each_change_is_a_new_audited_version(store: str) -> None:
    admin = make_admin()
    first = premium_schedule_set(admin, [FeeBand(D(0), percent=D(5))], note="first")
    second = premium_schedule_set(admin, TIERS, note="tiered")
    assert second.version is not None and first.version is not None and second.version > first.version
    with UnitOfWork(write=False) as uow:
        kept = uow.session.get(FeeScheduleVersion, first.version)
        entries = uow.session.exec(select(AuditLog).where(AuditLog.entity == "fee_schedules")
                                   .order_by(col(AuditLog.id))).all()
    assert kept is not None and kept.note == "first"  # never updated
    assert [(e.action, e.actor_id, e.entity_id) for e in entries] == [
        ("buyer_premium_set", admin.id, first.version), ("buyer_premium_set", admin.id, second.version)]
    assert entries[0].before == {} and entries[1].before is not None
    assert entries[1].before["bands"][0]["percent"] == "5.00" and entries[1].after is not None
    assert [band["from_price"] for band in entries[1].after["bands"]] == ["0.00", "500000.00"]
    history = fee_history(admin, FeeKind.BUYER_PREMIUM)
    assert [v.version for v in history] == [second.version, first.version]
    assert history[0].schedule is not None and history[0].schedule.bands == tuple(TIERS)


def test_an_announced_change_takes_force_at_its_time(store: str) -> None:
    admin, dealer = make_admin(), make_dealer()
    premium_schedule_set(admin, [FeeBand(D(0), percent=D(5))])
    later = premium_schedule_set(admin, [FeeBand(D(0), percent=D(8))],
                                 effective_from=utcnow() + timedelta(hours=1))
    fees = fee_overview(make_user())
    assert fees.buyer_premium.bands[0].percent == D(5) and fees.buyer_premium_next == later
    sale = buy_now(live_lot(dealer, buy_now=D(600_000)).id or 0)
    assert sale.buyer_premium == D(30_000)  # 5 %: the 8 % is not in force yet
    closes_later = live_lot(dealer, closes_in=timedelta(hours=3))
    # That lot closes after the change: its hammer, and so the premium its board shows, falls under 8 %.
    assert lot_board_snapshot(closes_later.id or 0).premium_for(D(100_000)) == D(8000)


def test_a_dealers_own_fee_overrides_the_default_until_put_back(store: str) -> None:
    admin, dealer, other = make_admin(), make_dealer(), make_dealer()
    seller_fee_set(admin, [FeeBand(D(0), flat=D(2500))])
    seller_fee_set(admin, [FeeBand(D(0), flat=D(1000)), FeeBand(D(500_000), flat=D(5000))],
                   dealer_id=dealer.dealer_id)
    mine = fee_overview(dealer)
    assert mine.dealer_has_own_fee and mine.dealer_seller_fee is not None
    assert mine.dealer_seller_fee.fee(D(600_000)) == D(5000)
    assert fee_overview(other).dealer_seller_fee == fee_overview(other).seller_fee_default
    with pytest.raises(Forbidden):
        fee_overview(other, dealer_id=dealer.dealer_id)  # a dealer sees only their own fee
    assert buy_now(live_lot(dealer, buy_now=D(600_000)).id or 0).seller_fee == D(5000)
    back = seller_fee_set(admin, None, dealer_id=dealer.dealer_id)
    assert back.bands == (FeeBand(D(0), flat=D(2500)),) and not fee_overview(dealer).dealer_has_own_fee
    assert buy_now(live_lot(dealer, buy_now=D(600_000)).id or 0).seller_fee == D(2500)
    with pytest.raises(ValidationFailed):
        seller_fee_set(admin, None)  # the default itself cannot be "the default"


def test_a_sale_shows_its_fees_to_its_buyer_its_store_and_admins_only(store: str) -> None:
    admin, dealer = make_admin(), make_dealer()
    seller_fee_set(admin, [FeeBand(D(0), flat=D(3000))])
    lot = live_lot(dealer, buy_now=D(600_000))
    buyer = make_user()
    service.lot_buy_now(buyer, lot_id=lot.id or 0, key=uuid.uuid4().hex)
    theirs = sale_fees(buyer, lot.id or 0)
    assert theirs is not None and theirs.buyer_total == D(630_000) and theirs.seller_fee is None
    store_side = sale_fees(dealer, lot.id or 0)
    assert store_side is not None and store_side.dealer_earnings == D(597_000)
    assert sale_fees(admin, lot.id or 0) == store_side
    assert sale_fees(make_user(), lot.id or 0) is None
