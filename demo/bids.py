"""The demo's bidding history, placed through the real bidding service so every counter, audit
entry and notification is exactly what live bidding writes: finished auctions with realistic bid
sequences (then settled), and live auctions with bidding in progress."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import col, select

from data.models import Auction, Bid, Lot, User, UserRole
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts.users import actor_load
from domain.bidding.rules import BidTooLow
from domain.bidding.service import LotClosed, bid_place
from domain.bidding.settlement import settle_due
from domain.permissions import Actor
from domain.types import AuctionStatus, Role

SEED = 4_2
KEY_PREFIX = "demo-"


def seed_bids(*, now: datetime | None = None) -> int:
    """Bid on the demo's started, unsettled lots once (idempotent: a store with these bids is left
    alone; the year of history, already settled, is written in bulk by `demo.history`)."""
    now = now or utcnow()
    with UnitOfWork(write=False) as uow:
        if uow.session.exec(select(Bid.id).where(col(Bid.idempotency_key).startswith(KEY_PREFIX))).first():
            return 0
        bidders = _bidders(uow)
        lots = uow.session.exec(select(Lot, Auction).join(Auction, col(Auction.id) == Lot.auction_id)
                                .where(Auction.status == AuctionStatus.SCHEDULED, col(Lot.outcome).is_(None),
                                       col(Auction.starts_at) <= now).order_by(col(Lot.id))).all()
    rng = random.Random(SEED)
    placed = sum(_bid_on(rng, lot, auction, bidders, now) for lot, auction in lots)
    settle_due(now=now, limit=10_000)
    return placed


def _bidders(uow: UnitOfWork) -> list[Actor]:
    ids = uow.session.exec(select(User.id).join(UserRole, col(UserRole.user_id) == User.id)
                           .where(UserRole.role == Role.BIDDER, col(User.email).like("bidder%@demo%"))).all()
    return [actor_load(uow, user_id or 0) for user_id in ids]


def _bid_on(rng: random.Random, lot: Lot, auction: Auction, bidders: list[Actor], now: datetime) -> int:
    """A believable sequence: a few bidders, maximums climbing around the car's value."""
    if rng.random() < 0.2:
        return 0  # some lots draw no bids at all
    closes = min(lot.ends_at, now) - timedelta(seconds=30)
    moments = sorted(auction.starts_at + (closes - auction.starts_at) * rng.random()
                     for _ in range(rng.randint(2, 9)))
    value = (lot.reserve_price or lot.starting_price * Decimal("1.3")) * Decimal(rng.uniform(0.85, 1.15))
    group = rng.sample(bidders, k=min(len(bidders), rng.randint(2, 5)))
    placed = 0
    for step, moment in enumerate(moments, start=1):
        share = Decimal(step) / len(moments)
        maximum = lot.starting_price + (value - lot.starting_price) * share * Decimal(rng.uniform(0.8, 1.2))
        placed += _try_bid(rng.choice(group), lot.id or 0, _round(maximum), moment, rng)
    return placed


def _try_bid(bidder: Actor, lot_id: int, maximum: Decimal, moment: datetime, rng: random.Random) -> int:
    try:
        bid_place(bidder, lot_id=lot_id, maximum=maximum, key=f"{KEY_PREFIX}{rng.getrandbits(64):016x}",
                  now=moment)
    except (BidTooLow, LotClosed):
        return 0
    return 1


def _round(amount: Decimal) -> Decimal:
    return max(Decimal(1000), (amount / 1000).quantize(Decimal(1)) * 1000)
