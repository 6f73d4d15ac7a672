"""A year of the demo marketplace's past: finished auctions, their bids and sales, and bidders joining
month by month, with the Indian used-car trade's seasons (busy at the financial year's end in March
and around Dussehra and Diwali in October and November, quiet in the monsoon).

Written in bulk inside the demo's own transaction, so first start stays fast, yet by the rules: each
lot's bids are replayed through the pure bidding rules (`domain.bidding.rules.apply_bid`), so every
stored price, leader and count is what the bidding service would have written; bids the rules would
refuse are never stored. Bids stop before each lot's closing window, so no soft close applies. Sales
are booked with `domain.bidding.fees` at the hammer time (the lot's end). Live lots are left to
`demo.bids`, which bids through the service.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlmodel import SQLModel, select

from data.models import (
    Auction,
    AuctionParticipant,
    Bid,
    Car,
    Dealer,
    IncrementBand,
    Lot,
    LotBidder,
    Sale,
    User,
    UserRole,
)
from data.uow import UnitOfWork
from demo.cars import Pictures, Stock, new_stock
from demo.inventory import IST, SOFT_CLOSE_S, lot_for
from domain.bidding.fees import FeeSchedule, sale_amounts
from domain.bidding.rules import BidTooLow, Ladder, LotState, apply_bid
from domain.bidding.settlement import outcome_for
from domain.types import AuctionStatus, CarStatus, LotOutcome, Role

MONTHS = 12
SETTLED_BEFORE = timedelta(days=3)  # the last history auction has ended (lots run 6-48 hours) by then
# Relative activity by calendar month (January first).
SEASON = (1.0, 0.9, 1.3, 0.9, 0.8, 0.8, 0.7, 0.8, 1.0, 1.4, 1.5, 1.1)
AUCTIONS_PER_STORE_MONTH = 1.2
BUYERS_PER_MONTH = 14
LOTS = (3, 5)


@dataclass
class _Buyer:
    id: int
    joined: datetime


def seed_history(uow: UnitOfWork, *, stores: Sequence[Dealer], rng: random.Random, now: datetime,
                 pictures: Pictures, fees: tuple[FeeSchedule, FeeSchedule]) -> int:
    """Add a year of finished auctions to `uow.session` (not committed); returns the bids written."""
    ladder = Ladder.stored((band.min_price, band.step) for band in uow.session.exec(select(IncrementBand)))
    vins = set(uow.session.exec(select(Car.vin)).all())
    year = _Year(uow, rng, ladder, pictures, vins, _buyers(uow, rng, now), fees)
    for month in _months(now):
        for store in stores:
            for _ in range(_auction_count(rng, month)):
                if (starts := _start_in(rng, month, now)) is not None:
                    year.auction(store, starts)
    uow.session.flush()  # every car and auction in a few batched statements
    year.close_lots()
    uow.session.flush()  # every lot, at its final state
    return year.write_rows()


def _months(now: datetime) -> list[datetime]:
    """The first day of each of the last MONTHS months, oldest first (this month included)."""
    first = now.astimezone(IST).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    months = []
    for back in range(MONTHS - 1, -1, -1):
        year, month = divmod(first.month - 1 - back, 12)
        months.append(first.replace(year=first.year + year, month=month + 1))
    return months


def _auction_count(rng: random.Random, month: datetime) -> int:
    expected = AUCTIONS_PER_STORE_MONTH * SEASON[month.month - 1]
    return int(expected) + (rng.random() < expected - int(expected))


def _start_in(rng: random.Random, month: datetime, now: datetime) -> datetime | None:
    """A sale morning or afternoon in that month, ended well before `now` (None if none fits)."""
    latest = now - SETTLED_BEFORE
    day = month + timedelta(days=rng.randint(0, 27), hours=rng.choice((10, 11, 14)))
    return day.astimezone(UTC) if day < latest else None


# --- buyers ------------------------------------------------------------------


def _buyers(uow: UnitOfWork, rng: random.Random, now: datetime) -> list[_Buyer]:
    """Bidders who joined over the year (more each month as the platform grows, by season)."""
    months = _months(now)
    joined = [month + timedelta(days=rng.uniform(0, 28), hours=rng.uniform(0, 24))
              for i, month in enumerate(months)
              for _ in range(round(BUYERS_PER_MONTH * SEASON[month.month - 1] * (0.6 + 0.6 * i / MONTHS)))]
    users = [User(email=f"buyer{n + 1}@demo.autogavel.in", name=f"Demo buyer {n + 1}",
                  password_hash="!" + secrets.token_hex(16), created_at=moment.astimezone(UTC),
                  updated_at=moment.astimezone(UTC), password_changed_at=moment.astimezone(UTC))
             for n, moment in enumerate(sorted(m for m in joined if m < now))]
    uow.session.add_all(users)
    uow.session.flush()
    uow.session.add_all(UserRole(user_id=user.id or 0, role=Role.BIDDER) for user in users)
    return [_Buyer(user.id or 0, user.created_at) for user in users]


# --- one auction -------------------------------------------------------------


@dataclass
class _Year:
    """Cars, auctions and lots go through the ORM, each kind flushed once (batched inserts); bids and
    what follows from them are collected as rows and inserted in bulk: thousands of ORM objects, or a
    flush per auction, cost seconds."""

    uow: UnitOfWork
    rng: random.Random
    ladder: Ladder
    pictures: Pictures
    vins: set[str]
    buyers: list[_Buyer]
    fees: tuple[FeeSchedule, FeeSchedule]  # the buyer's premium and the seller fee, as stored
    rows: dict[type[SQLModel], list[dict[str, Any]]] = field(
        default_factory=lambda: {Bid: [], LotBidder: [], AuctionParticipant: [], Sale: []})
    plans: list[tuple[Dealer, Auction, list[Stock], timedelta]] = field(default_factory=list)

    def write_rows(self) -> int:
        """Insert the collected rows; bids and sales are logged as changes like any flush."""
        for rows in self.rows.values():  # lots have ids now
            for row in rows:
                if "lot" in row:
                    row["lot_id"] = row.pop("lot").id
        for model, rows in self.rows.items():
            if not rows:
                continue
            table = model.__table__  # type: ignore[attr-defined]
            if table.name in ("bids", "sales"):
                ids = self.uow.session.execute(insert(table).returning(table.c.id), rows).scalars().all()
                self.uow.record_change(table.name, ids, op="insert")
            else:
                self.uow.session.execute(insert(table), rows)
        return len(self.rows[Bid])

    def auction(self, store: Dealer, starts: datetime) -> None:
        """One finished auction of `store` starting at `starts`: its cars now, its lots at `close_lots`."""
        rng = self.rng
        stock = [new_stock(rng, store, starts, self.pictures, self.vins, rendered_only=True)
                 for _ in range(rng.randint(*LOTS))]
        created = starts - timedelta(days=rng.randint(3, 7))
        for item in stock:
            item.car.created_at = item.car.updated_at = created - timedelta(days=rng.randint(1, 20))
        self.uow.session.add_all(item.car for item in stock)
        first_end = starts + timedelta(hours=rng.choice((6, 24, 48)))
        stagger = timedelta(minutes=rng.choice((2, 3)))  # lots close one after another
        auction = self._auction(store, starts, first_end + stagger * (len(stock) - 1), created, len(stock))
        self.plans.append((store, auction, stock, stagger))

    def close_lots(self) -> None:
        """Each auction's lots, bid on by the rules and settled (cars and auctions have ids now)."""
        for store, auction, stock, stagger in self.plans:
            first_end = auction.ends_at - stagger * (len(stock) - 1)
            lots = [lot_for(self.rng, auction.id or 0, number, item, first_end + stagger * (number - 1))
                    for number, item in enumerate(stock, start=1)]
            self.uow.session.add_all(lots)
            active, joined = [b for b in self.buyers if b.joined < auction.starts_at], set[int]()
            for item, lot in zip(stock, lots, strict=True):
                self._bid_and_close(auction, lot, store, active, joined)
                item.car.status = CarStatus.SOLD if lot.outcome == LotOutcome.SOLD else CarStatus.WITHDRAWN

    def _auction(self, store: Dealer, starts: datetime, ends: datetime, created: datetime,
                 lots: int) -> Auction:
        auction = Auction(
            dealer_id=store.id or 0, title=f"{store.city} dealer auction, {starts.astimezone(IST):%d %b %Y}",
            description=f"{lots} inspected cars from {store.store_name}.", status=AuctionStatus.SCHEDULED,
            starts_at=starts, ends_at=ends, soft_close_window_s=SOFT_CLOSE_S,
            soft_close_extension_s=SOFT_CLOSE_S, created_at=created, updated_at=created)
        self.uow.session.add(auction)
        return auction

    def _bid_and_close(self, auction: Auction, lot: Lot, store: Dealer, buyers: list[_Buyer],
                       joined: set[int]) -> None:
        state, bids = LotState(lot.starting_price, lot.reserve_price), list[dict[str, Any]]()
        if len(buyers) >= 2 and self.rng.random() > 0.15:  # some lots draw no bids at all
            state, bids = self._bids(auction, lot, state, buyers)
        self.rows[Bid].extend(bids)
        bidders = list(dict.fromkeys(bid["bidder_id"] for bid in bids))
        self.rows[LotBidder].extend({"lot": lot, "bidder_id": b} for b in bidders)
        for bid in bids:  # a bidder's first bid in the auction makes them a participant
            if bid["bidder_id"] not in joined:
                joined.add(bid["bidder_id"])
                self.rows[AuctionParticipant].append({"auction_id": auction.id, "bidder_id": bid["bidder_id"],
                                                      "joined_at": bid["placed_at"]})
        lot.current_price, lot.leader_id, lot.leader_max = state.price, state.leader, state.leader_max
        lot.bid_count, lot.bidder_count = len(bids), len(bidders)
        lot.settled_at = lot.ends_at + timedelta(seconds=self.rng.randint(1, 5))
        lot.outcome = outcome_for(lot)
        if lot.outcome == LotOutcome.RESERVE_NOT_MET:  # the dealer let the 24 hours pass, or said no
            lot.decision = self.rng.choice(("declined", "expired"))
            lot.decision_due_at = lot.settled_at + timedelta(hours=24)
        elif lot.outcome == LotOutcome.SOLD:
            self.rows[Sale].append(_sale(auction, lot, store, self.fees))

    def _bids(self, auction: Auction, lot: Lot, state: LotState,
              buyers: list[_Buyer]) -> tuple[LotState, list[dict[str, Any]]]:
        """A believable sequence through the rules: a few bidders, maximums climbing around the value."""
        rng = self.rng
        closes = lot.ends_at - timedelta(seconds=SOFT_CLOSE_S + 60)  # before the soft-close window
        moments = sorted(auction.starts_at + (closes - auction.starts_at) * rng.random()
                         for _ in range(rng.randint(2, 9)))
        value = (lot.reserve_price or lot.starting_price * Decimal("1.3")) * Decimal(rng.uniform(0.85, 1.2))
        group = rng.sample(buyers, k=min(len(buyers), rng.randint(2, 5)))
        bids: list[dict[str, Any]] = []
        for step, moment in enumerate(moments, start=1):
            bidder = rng.choice(group).id
            share = Decimal(step) / len(moments) * Decimal(rng.uniform(0.8, 1.2))
            maximum = _thousands(lot.starting_price + (value - lot.starting_price) * share)
            try:
                state = apply_bid(state, bidder, maximum, self.ladder).state
            except BidTooLow:
                continue  # the service would have refused it: nothing stored
            assert state.price is not None and state.leader is not None
            bids.append({"lot": lot, "auction_id": auction.id, "bidder_id": bidder,
                         "max_amount": maximum, "price_after": state.price, "leader_after": state.leader,
                         "placed_at": moment,
                         "status": "active", "idempotency_key": f"history-{rng.getrandbits(64):016x}"})
        return state, bids


def _sale(auction: Auction, lot: Lot, store: Dealer, fees: tuple[FeeSchedule, FeeSchedule]) -> dict[str, Any]:
    """The sale's money as `domain.bidding.fees` defines it, booked at the hammer time (the lot's end) by
    the demo's fee schedules (in force all year), whose versions it keeps."""
    assert lot.current_price is not None and lot.leader_id is not None
    premium, seller_fee = fees
    money = sale_amounts(lot.current_price, premium=premium, seller_fee=seller_fee)
    return {"lot": lot, "car_id": lot.car_id, "auction_id": auction.id, "dealer_id": store.id,
            "buyer_id": lot.leader_id,
            "hammer": money.hammer, "buyer_premium": money.buyer_premium, "seller_fee": money.seller_fee,
            "buyer_total": money.buyer_total, "dealer_earnings": money.dealer_earnings,
            "platform_revenue": money.platform_revenue, "sold_at": lot.ends_at,
            "premium_schedule_id": premium.version, "seller_fee_schedule_id": seller_fee.version}


def _thousands(amount: Decimal) -> Decimal:
    return max(Decimal(1000), (amount / 1000).quantize(Decimal(1)) * 1000)
