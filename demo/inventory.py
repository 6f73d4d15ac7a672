"""The demo's stock: about 300 believable used cars with offline pictures, and auctions in every state.

`demo.seed.seed_demo` calls `seed_inventory` inside its own transaction, so rows are only added here;
the caller commits. Every random choice comes from the caller's `rng` and every time is relative to
`now`, so one seed always gives the same marketplace, shifted to the moment it is seeded.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from data.media import get_media_store
from data.models import Auction, Car, Dealer, Lot
from data.settings import get_settings
from data.uow import UnitOfWork
from demo.cars import Pictures, Stock, flushed_id, new_stock
from domain.inventory.vehicle import BodyType
from domain.types import AuctionStatus

TARGET_CARS = 300
CARS_PER_STORE = (15, 35)
LOTS_PER_AUCTION = (3, 8)
AVAILABLE_SHARE = (0.2, 0.3)  # of each store's cars kept out of auctions: stock a dealer can still list
IST = timezone(timedelta(hours=5, minutes=30))  # sales are scheduled on the dealers' local clock

SOFT_CLOSE_S = 120

class _Kind(StrEnum):
    """What a demo auction should look like to a visitor; only some of these are stored states."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"
    CANCELLED = "cancelled"


# Live and ended auctions exist only on the clock: in the store they are scheduled auctions.
_STORED_STATUS = {
    _Kind.DRAFT: AuctionStatus.DRAFT,
    _Kind.SCHEDULED: AuctionStatus.SCHEDULED,
    _Kind.LIVE: AuctionStatus.SCHEDULED,
    _Kind.ENDED: AuctionStatus.SCHEDULED,
    _Kind.CANCELLED: AuctionStatus.CANCELLED,
}
# When a small store runs short of cars, the states a demo most needs to show are filled first.
_KINDS_BY_PRIORITY = (_Kind.LIVE, _Kind.ENDED, _Kind.SCHEDULED, _Kind.DRAFT)
CANCELLED_AUCTIONS = 2

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")  # fixed: no locale in titles
_SEGMENTS = {BodyType.SUV: "SUV", BodyType.MUV: "MUV", BodyType.HATCHBACK: "hatchback",
             BodyType.SEDAN: "sedan", BodyType.PICKUP: "pickup"}  # fmt: skip
_CANCEL_REASONS = (
    "The lender did not release the hypothecation on three lots in time; the cars will be relisted "
    "next week.",
    "Yard flooded after heavy rain, so buyers could not inspect the cars; the sale moves to a later date.",
    "Listed with the wrong reserve prices; cancelled before it opened and relisted.",
)


@dataclass(frozen=True)
class _Plan:
    """An auction waiting for ids: its lots follow `stock`, ending at `ends` (staggered lanes)."""

    auction: Auction
    stock: Sequence[Stock]
    ends: Sequence[datetime]


def seed_inventory(
    uow: UnitOfWork, *, stores: list[Dealer], rng: random.Random, now: datetime,
    pictures: Pictures | None = None,
) -> tuple[int, int]:
    """Add the demo cars, auctions and lots to `uow.session` (not committed); (cars, auctions)."""
    pictures = pictures or Pictures(get_media_store())
    vins: set[str] = set()
    stock = {flushed_id(store): [new_stock(rng, store, now, pictures, vins) for _ in range(count)]
             for store, count in zip(stores, _cars_per_store(rng, len(stores)), strict=True)}
    uow.session.add_all(item.car for items in stock.values() for item in items)
    uow.session.flush()  # lots need the cars' ids
    plans = [plan for store in stores for plan in _store_plans(rng, store, stock[flushed_id(store)], now)]
    plans += _cancelled_plans(rng, stores, stock, now)
    uow.session.add_all(plan.auction for plan in plans)
    uow.session.flush()  # and the auctions' ids
    lots = [(plan, lot) for plan in plans for lot in _lots(rng, plan)]
    uow.session.add_all(lot for _, lot in lots)
    uow.session.flush()
    _list_open_lots([(plan.auction, lot) for plan, lot in lots], {item.car.id: item.car
                    for items in stock.values() for item in items}, now)
    return sum(len(items) for items in stock.values()), len(plans)


def _list_open_lots(lots: Sequence[tuple[Auction, Lot]], cars: dict[int | None, Car], now: datetime) -> None:
    """Published lots not yet closed are what browsing shows with a price and a closing time."""
    for auction, lot in lots:
        if auction.status == AuctionStatus.SCHEDULED and lot.ends_at > now:
            car = cars[lot.car_id]
            car.listing_lot_id, car.listing_ends_at = lot.id, lot.ends_at
            car.listing_price = lot.starting_price


def _cars_per_store(rng: random.Random, stores: int) -> list[int]:
    low, high = CARS_PER_STORE
    mean = min(high, max(low, round(TARGET_CARS / max(1, stores))))
    counts = [mean] * stores
    spread = min(mean - low, high - mean, 8)
    for i in range(0, stores - 1, 2):  # opposite shifts in pairs keep the total near TARGET_CARS
        shift = rng.randint(-spread, spread)
        counts[i] += shift
        counts[i + 1] -= shift
    return counts


# --- auctions ----------------------------------------------------------------


def _store_plans(rng: random.Random, store: Dealer, stock: list[Stock], now: datetime) -> list[_Plan]:
    """A store's auctions, each car in at most one; a share of the cars stays unlisted."""
    cars = rng.sample(stock, len(stock))
    unlisted = max(2, round(len(cars) * rng.uniform(*AVAILABLE_SHARE)))
    kinds = [*_KINDS_BY_PRIORITY, *([_Kind.LIVE] if rng.random() < 0.5 else [])]
    plans, start = [], 0
    for kind, size in zip(kinds, _lot_sizes(rng, len(cars) - unlisted, len(kinds)), strict=False):
        plans.append(_plan(rng, kind, store, cars[start : start + size], now))
        start += size
    return plans


def _lot_sizes(rng: random.Random, cars: int, auctions: int) -> list[int]:
    """Up to `auctions` sizes within LOTS_PER_AUCTION, using up to `cars` cars."""
    low, high = LOTS_PER_AUCTION
    sizes = [low] * min(auctions, cars // low)
    spare = cars - low * len(sizes)
    while spare and any(size < high for size in sizes):
        index = rng.choice([i for i, size in enumerate(sizes) if size < high])
        sizes[index] += 1
        spare -= 1
    return sizes


def _cancelled_plans(
    rng: random.Random, stores: list[Dealer], stock: dict[int, list[Stock]], now: datetime
) -> list[_Plan]:
    """A couple of called-off sales; their cars may sit in another auction, as relisted cars do."""
    chosen = rng.sample(stores, min(CANCELLED_AUCTIONS, len(stores)))
    plans = []
    for store in chosen:
        cars = stock[flushed_id(store)]
        size = min(len(cars), rng.randint(LOTS_PER_AUCTION[0], 5))
        plans.append(_plan(rng, _Kind.CANCELLED, store, rng.sample(cars, size), now))
    return plans


def _plan(rng: random.Random, kind: _Kind, store: Dealer, stock: Sequence[Stock], now: datetime) -> _Plan:
    starts_at, first_end = _SCHEDULES[kind](rng, now)
    stagger = timedelta(minutes=rng.choice((2, 3)))  # lots close one after another, like auction lanes
    ends = [first_end + stagger * i for i in range(len(stock))]
    created = min(now, starts_at) - timedelta(days=rng.randint(2, 5), minutes=rng.randint(0, 600))
    cancelled = kind is _Kind.CANCELLED
    auction = Auction(
        dealer_id=flushed_id(store), title=_title(rng, store, stock, starts_at),
        description=_auction_description(store, stock, stagger), status=_STORED_STATUS[kind],
        starts_at=starts_at, ends_at=ends[-1], soft_close_window_s=SOFT_CLOSE_S,
        latest_end_at=ends[-1] + timedelta(minutes=get_settings().soft_close_cap_minutes),  # as created
        soft_close_extension_s=SOFT_CLOSE_S, cancel_reason=rng.choice(_CANCEL_REASONS) if cancelled else None,
        created_at=created, updated_at=now - timedelta(hours=rng.randint(1, 24)) if cancelled else created,
    )
    return _Plan(auction, stock, ends)


def _live(rng: random.Random, now: datetime) -> tuple[datetime, datetime]:
    starts = _quarter_hour(now - timedelta(minutes=rng.randint(30, 600)))
    return starts, _minute(now + timedelta(minutes=rng.randint(60, 420)))


def _ended(rng: random.Random, now: datetime) -> tuple[datetime, datetime]:
    # Lots run at most ~25 minutes past the first end, so a day's margin keeps every lot in the past.
    first_end = _minute(now - timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 12)))
    return first_end - timedelta(hours=rng.choice((6, 24, 48))), first_end


def _upcoming(days: tuple[int, int]) -> Callable[[random.Random, datetime], tuple[datetime, datetime]]:
    def schedule(rng: random.Random, now: datetime) -> tuple[datetime, datetime]:
        starts = _local_hour(now + timedelta(days=rng.randint(*days)), rng.choice((10, 11, 14, 17)))
        return starts, starts + timedelta(hours=rng.choice((4, 6, 8, 24, 30)))

    return schedule


_SCHEDULES: dict[_Kind, Callable[[random.Random, datetime], tuple[datetime, datetime]]] = {
    _Kind.LIVE: _live,
    _Kind.ENDED: _ended,
    _Kind.SCHEDULED: _upcoming((1, 3)),
    _Kind.DRAFT: _upcoming((5, 14)),
    _Kind.CANCELLED: _upcoming((2, 6)),
}


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _quarter_hour(moment: datetime) -> datetime:
    return _minute(moment).replace(minute=moment.minute - moment.minute % 15)


def _local_hour(moment: datetime, hour: int) -> datetime:
    """`hour` o'clock in India on the day of `moment`, back in UTC."""
    return moment.astimezone(IST).replace(hour=hour, minute=0, second=0, microsecond=0).astimezone(UTC)


def _title(rng: random.Random, store: Dealer, stock: Sequence[Stock], starts_at: datetime) -> str:
    local = starts_at.astimezone(IST)
    day = "weekend" if local.weekday() >= 5 else _WEEKDAYS[local.weekday()]
    segment = _segment(stock)
    return rng.choice((
        f"{store.city} {day} {segment} sale",
        f"{store.store_name} {segment} auction",
        f"{store.city} {segment} clearance",
        f"{store.city} {day} dealer auction",
        f"{store.store_name} {day} {segment} lane",
    ))  # fmt: skip


def _segment(stock: Sequence[Stock]) -> str:
    """The body type most lots share ("SUV"), or "used car" for a mixed sale."""
    body, count = Counter(item.car.body_type for item in stock).most_common(1)[0]
    label = _SEGMENTS.get(BodyType(body))
    return label if label and count * 2 >= len(stock) else "used car"


def _auction_description(store: Dealer, stock: Sequence[Stock], stagger: timedelta) -> str:
    minutes = int(stagger.total_seconds() // 60)
    return (
        f"{len(stock)} inspected and graded cars from {store.store_name}, {store.city}; viewing at the "
        f"yard ({store.address}) the day before the sale. Lots close {minutes} minutes apart, and a bid "
        "in the last two minutes extends that lot by two minutes. Buyer premium 5% (min ₹2,000, "
        "max ₹25,000)."
    )


# --- lots --------------------------------------------------------------------


def _lots(rng: random.Random, plan: _Plan) -> list[Lot]:
    auction_id = flushed_id(plan.auction)
    return [lot_for(rng, auction_id, number, item, ends_at)
            for number, (item, ends_at) in enumerate(zip(plan.stock, plan.ends, strict=True), start=1)]


def lot_for(rng: random.Random, auction_id: int, number: int, item: Stock, ends_at: datetime) -> Lot:
    """Opening bids well under the car's value draw bidders in; the hidden reserve sits near it."""
    price = Decimal(item.price)
    return Lot(
        auction_id=auction_id, car_id=flushed_id(item.car), lot_number=number, ends_at=ends_at,
        starting_price=_share(price, rng.randint(60, 80)),
        reserve_price=_share(price, rng.randint(90, 100)) if rng.random() < 0.7 else None,
        buy_now_price=_share(price, rng.randint(115, 125)) if rng.random() < 0.3 else None,
    )


def _share(price: Decimal, percent: int) -> Decimal:
    """`percent` of `price`, rounded to the nearest ₹1,000 as dealers quote it (never below ₹1,000)."""
    thousands = (price * percent / 100_000).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(Decimal(1000), thousands * 1000)
