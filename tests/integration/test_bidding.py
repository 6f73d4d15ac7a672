"""The bidding engine on both stores: rules enforced server-side, counters kept by the same
transaction, idempotent submissions, soft close, buy now, settlement exactly once, retraction, void."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta
from decimal import Decimal as D

import pytest
from sqlmodel import col, func, select, update

from data.bid_store import bid_statements_warm
from data.db import get_engine, writer
from data.models import AuctionParticipant, AuditLog, Bid, Car, Lot, Notification, Sale, User
from data.types import utcnow
from data.uow import UnitOfWork
from domain.bidding import service
from domain.bidding.retraction import RetractReason, bid_retract, bid_void
from domain.bidding.rules import BidTooLow, Outcome
from domain.bidding.settlement import expire_decisions, lot_decide, settle_due, settle_lot
from domain.errors import DomainError, Forbidden, InvalidTransition, NotFound, ValidationFailed
from domain.types import CarStatus, LotOutcome, Role
from tests.support.factories import live_lot, lot_now, make_admin, make_auction, make_dealer, make_user


def bid(actor, lot_id: int, amount: str, key: str | None = None):  # type: ignore[no-untyped-def]
    return service.bid_place(actor, lot_id=lot_id, maximum=amount, key=key or uuid.uuid4().hex)


def count(model: type, **where: object) -> int:
    with UnitOfWork(write=False) as uow:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(uow.session.exec(query).one())


def test_proxy_bidding_keeps_price_leader_and_counters(store: str) -> None:
    lot = live_lot()
    asha, ben = make_user(), make_user()
    first = bid(asha, lot.id, "350000")
    assert first.outcome == Outcome.LEADING and first.price == D("300000")
    second = bid(ben, lot.id, "320000")
    assert second.outcome == Outcome.OUTBID and not second.leading
    state = lot_now(lot.id)
    assert (state.current_price, state.leader_id, state.bid_count, state.bidder_count) == (
        D("322000"), asha.id, 2, 2)
    assert count(AuctionParticipant) == 2 and count(Bid) == 2
    assert count(Notification, user_id=asha.id) == 0  # asha still leads: nobody told her anything


def test_outbid_leader_is_notified_and_reserve_lifts_the_price(store: str) -> None:
    lot = live_lot()
    asha, ben = make_user(), make_user()
    bid(asha, lot.id, "350000")
    receipt = bid(ben, lot.id, "450000")
    assert receipt.leading and receipt.price == D("400000")  # the reserve, reached by ben's maximum
    assert count(Notification, user_id=asha.id, kind="outbid") == 1


def test_rules_are_enforced_whatever_the_page_shows(store: str) -> None:
    dealer = make_dealer()
    lot = live_lot(dealer)
    bidder = make_user()
    with pytest.raises(BidTooLow):
        bid(bidder, lot.id, "299999")
    with pytest.raises(service.OwnLot):
        bid(dealer, lot.id, "350000")
    with pytest.raises(Forbidden):
        bid(make_user(Role.ANALYST), lot.id, "350000")
    for bad in ("-5", "abc", "1e30", "0", "12.345", None):
        with pytest.raises(ValidationFailed):
            bid(bidder, lot.id, bad)  # type: ignore[arg-type]
    assert count(Bid) == 0


def test_closed_and_not_started_lots_refuse_bids(store: str) -> None:
    lot = live_lot(closes_in=-timedelta(seconds=1))
    with pytest.raises(service.LotClosed, match="closed"):
        bid(make_user(), lot.id, "350000")
    upcoming = live_lot()
    with pytest.raises(service.LotClosed, match="not started"):
        service.bid_place(make_user(), lot_id=upcoming.id, maximum="350000", key=uuid.uuid4().hex,
                          now=utcnow() - timedelta(minutes=5))


def test_the_same_submission_twice_places_one_bid(store: str) -> None:
    lot = live_lot()
    bidder = make_user()
    key = uuid.uuid4().hex
    first = bid(bidder, lot.id, "350000", key)
    again = bid(bidder, lot.id, "350000", key)
    assert again.repeated and again.bid_id == first.bid_id and count(Bid) == 1


def test_a_bid_in_the_closing_window_extends_that_lot(store: str) -> None:
    lot = live_lot(closes_in=timedelta(seconds=60))
    receipt = bid(make_user(), lot.id, "350000")
    assert receipt.extended and receipt.ends_at > lot.ends_at
    state = lot_now(lot.id)
    assert state.extended and state.ends_at == receipt.ends_at
    with UnitOfWork(write=False) as uow:
        car = uow.session.get(Car, lot.car_id)
    assert car is not None and car.listing_ends_at == receipt.ends_at and car.listing_price == D("300000")


def test_buy_now_ends_the_lot_sold(store: str) -> None:
    lot = live_lot(reserve=None)
    buyer = make_user()
    receipt = service.lot_buy_now(buyer, lot_id=lot.id, key=uuid.uuid4().hex)
    assert receipt.price == D("600000")
    state = lot_now(lot.id)
    assert state.outcome == LotOutcome.SOLD and state.leader_id == buyer.id
    with pytest.raises(service.LotClosed):
        bid(make_user(), lot.id, "700000")
    with UnitOfWork(write=False) as uow:
        sale = uow.session.exec(select(Sale)).one()
        car = uow.session.get(Car, lot.car_id)
    assert sale.hammer == D("600000") and sale.buyer_premium == D("30000.00")
    assert car is not None and car.status == CarStatus.SOLD


def test_buy_now_disappears_once_the_reserve_is_met(store: str) -> None:
    lot = live_lot()
    bid(make_user(), lot.id, "450000")
    with pytest.raises(service.LotClosed, match="no longer available"):
        service.lot_buy_now(make_user(), lot_id=lot.id, key=uuid.uuid4().hex)


def test_settlement_happens_once_and_books_the_sale(store: str) -> None:
    lot = live_lot(closes_in=timedelta(minutes=5))
    winner, loser = make_user(), make_user()
    bid(loser, lot.id, "420000")
    bid(winner, lot.id, "500000")
    later = utcnow() + timedelta(minutes=30)
    assert settle_lot(lot.id, now=later) is True
    assert settle_lot(lot.id, now=later) is False
    assert settle_due(now=later) == 0
    assert count(Sale) == 1
    assert count(Notification, user_id=winner.id, kind="won") == 1
    assert count(Notification, user_id=loser.id, kind="lost") == 1


def test_below_reserve_waits_for_the_dealer_then_expires(store: str) -> None:
    dealer = make_dealer()
    lot = live_lot(dealer, closes_in=timedelta(minutes=5))
    bid(make_user(), lot.id, "350000")
    later = utcnow() + timedelta(minutes=10)
    settle_lot(lot.id, now=later)
    state = lot_now(lot.id)
    assert state.outcome == LotOutcome.RESERVE_NOT_MET and state.decision == "pending"
    with pytest.raises(Forbidden):
        lot_decide(make_dealer(), lot.id, accept=True)
    assert expire_decisions(now=later + timedelta(hours=25)) == 1
    with pytest.raises(InvalidTransition):
        lot_decide(dealer, lot.id, accept=True, now=later + timedelta(hours=26))


def test_dealer_accepting_below_reserve_books_the_sale(store: str) -> None:
    dealer = make_dealer()
    lot = live_lot(dealer, closes_in=timedelta(minutes=5))
    bid(make_user(), lot.id, "350000")
    later = utcnow() + timedelta(minutes=10)
    settle_lot(lot.id, now=later)
    lot_decide(dealer, lot.id, accept=True, now=later)
    assert lot_now(lot.id).outcome == LotOutcome.SOLD and count(Sale) == 1


def test_retraction_rules_and_recompute(store: str) -> None:
    lot = live_lot(closes_in=timedelta(hours=5))
    asha, ben = make_user(), make_user()
    bid(asha, lot.id, "350000")
    typo = bid(ben, lot.id, "3500000")
    assert lot_now(lot.id).leader_id == ben.id
    with pytest.raises(InvalidTransition, match="not changed"):
        bid_retract(ben, typo.bid_id, reason=RetractReason.LISTING_CHANGED)
    bid_retract(ben, typo.bid_id, reason=RetractReason.MISTYPED, note="one zero too many")
    state = lot_now(lot.id)
    assert (state.leader_id, state.current_price, state.bid_count) == (asha.id, D("300000"), 1)
    with pytest.raises(InvalidTransition, match="already retracted"):
        bid_retract(ben, typo.bid_id, reason=RetractReason.MISTYPED)


def test_no_retraction_of_an_older_bid_near_the_end_but_an_admin_may_void(store: str) -> None:
    lot = live_lot(closes_in=timedelta(hours=3))
    asha, ben = make_user(), make_user()
    bid(asha, lot.id, "350000")
    shill = bid(ben, lot.id, "380000")
    with pytest.raises(InvalidTransition, match="last hour"):
        bid_retract(ben, shill.bid_id, reason=RetractReason.MISTYPED, now=utcnow() + timedelta(hours=2))
    with pytest.raises(Forbidden):
        bid_void(asha, shill.bid_id, reason="I do not like it")
    bid_void(make_admin(), shill.bid_id, reason="Shill bidding from the dealer's cousin")
    state = lot_now(lot.id)
    assert (state.leader_id, state.current_price) == (asha.id, D("300000"))
    with UnitOfWork(write=False) as uow:
        voided = uow.session.get(Bid, shill.bid_id)
        actions = uow.session.exec(select(AuditLog.action)).all()
    assert voided is not None and voided.status == "voided" and "Shill" in (voided.status_reason or "")
    assert {"bid_place", "bid_void"} <= set(actions)


def test_admin_changes_the_ladder_and_new_bids_follow_it(store: str) -> None:
    from domain.bidding.ladder import ladder_current, ladder_update

    with pytest.raises(Forbidden):
        ladder_update(make_user(), [(D(0), D(100))])
    with pytest.raises(DomainError):
        ladder_update(make_admin(), [(D(100), D(100))])
    ladder_update(make_admin(), [(D(0), D(100)), (D(1_000_000), D(50_000))])
    assert ladder_current().step(D(300_000)) == D(100)
    lot = live_lot()
    bid(make_user(), lot.id, "300000")
    assert bid(make_user(), lot.id, "300100").price == D(300100)


def test_watchers_are_reminded_once_when_a_lot_nears_its_end(store: str) -> None:
    from domain.auctions import watchlist
    lot = live_lot(closes_in=timedelta(minutes=45))
    fan = make_user()
    watchlist.watch(fan, lot.id)
    watchlist.watch(fan, lot.id)  # twice is once
    assert [w.lot_id for w in watchlist.watchlist_of(fan)] == [lot.id]
    assert watchlist.remind_ending_soon() == 1
    assert watchlist.remind_ending_soon() == 0
    assert count(Notification, user_id=fan.id, kind="ending_soon") == 1
    watchlist.unwatch(fan, lot.id)
    assert watchlist.watchlist_of(fan) == []


def test_worker_round_settles_due_lots(store: str) -> None:
    from domain.bidding import worker

    lot = live_lot(closes_in=timedelta(seconds=-1))
    assert lot_now(lot.id).outcome is None
    assert worker.run_once()["settled"] == 1
    assert lot_now(lot.id).outcome == LotOutcome.UNSOLD


def test_a_draft_lot_cannot_be_watched(store: str) -> None:
    from domain.auctions import watchlist
    draft = make_auction(make_dealer(), publish=False)
    with UnitOfWork(write=False) as uow:
        lot_id = uow.session.exec(select(Lot.id).where(Lot.auction_id == draft.id)).first()
    with pytest.raises(NotFound):
        watchlist.watch(make_user(), lot_id or 0)


def test_warming_the_bid_path_at_start_writes_nothing(store: str) -> None:
    lot = live_lot()
    tables = (Bid, AuditLog, Notification, AuctionParticipant)
    before = [count(model) for model in tables]
    bid_statements_warm(get_engine())
    assert [count(model) for model in tables] == before
    assert lot_now(lot.id).bid_count == 0
    assert bid(make_user(), lot.id, "300000").outcome == Outcome.LEADING  # and the path still works


def test_warming_the_bid_path_waits_for_another_writer_instead_of_failing(store: str) -> None:
    """The app's start-up warms the bid path while its settlement loop, its mailer and other processes
    write. On SQLite, a warm-up that read before it wrote found its snapshot stale once another
    writer committed, and failed with "database is locked" (no busy wait helps then): the first
    page of a freshly started app showed that error. It must queue for the write lock instead."""
    user, engine = make_user(), get_engine()
    failed: list[BaseException] = []

    def warm() -> None:
        try:
            bid_statements_warm(engine)
        except BaseException as error:  # reported to the test's thread
            failed.append(error)

    with writer(engine).connect() as holder:
        holder.begin()
        holder.execute(update(User).where(col(User.id) == user.id).values(name="Renamed meanwhile"))
        warming = threading.Thread(target=warm)
        warming.start()
        time.sleep(0.5)  # the warm-up has begun and waits for the write lock this connection holds
        holder.commit()
    warming.join(timeout=60)
    assert not warming.is_alive()
    assert failed == []
