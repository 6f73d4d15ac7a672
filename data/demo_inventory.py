"""The demo's stock: about 300 believable used cars with offline pictures, and auctions in every state.

`data.demo.seed_demo` calls `seed_inventory` inside its own transaction, so rows are only added here;
the caller commits. Every random choice comes from the caller's `rng` and every time is relative to
`now`, so one seed always gives the same marketplace, shifted to the moment it is seeded.
"""

from __future__ import annotations

import random
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import lru_cache
from typing import TypeVar

from data.car_images import render_car_picture
from data.demo_catalog import COLOURS, MODELS, CarModel, Colour, used_price_inr
from data.media import MediaStore, get_media_store
from data.models import Auction, Car, Dealer, Lot
from data.uow import UnitOfWork
from domain.types import AuctionStatus
from domain.vehicle import BodyType, Damage, Fuel, TitleStatus, Transmission
from domain.vin import make_vin

TARGET_CARS = 300
CARS_PER_STORE = (15, 35)
LOTS_PER_AUCTION = (3, 8)
AVAILABLE_SHARE = (0.2, 0.3)  # of each store's cars kept out of auctions: stock a dealer can still list
PICTURE_SIZE = (480, 300)  # a listing thumbnail; big enough for the detail page, fast enough to seed
PICTURE_SUFFIX = ".webp"
IST = timezone(timedelta(hours=5, minutes=30))  # sales are scheduled on the dealers' local clock

BUYER_PREMIUM_PCT = Decimal("5")
PREMIUM_MIN = Decimal("2000")
PREMIUM_MAX = Decimal("25000")
SOFT_CLOSE_S = 120

_T = TypeVar("_T")


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

_TITLE_WEIGHTS = {TitleStatus.CLEAN: 80, TitleStatus.HYPOTHECATED: 14, TitleStatus.REBUILT: 4,
                  TitleStatus.SALVAGE: 2}  # fmt: skip
_DAMAGE_WEIGHTS = {Damage.NONE: 64, Damage.MINOR: 28, Damage.MODERATE: 7, Damage.MAJOR: 1}
_DAMAGE_PENALTY = {Damage.NONE: 0, Damage.MINOR: 0, Damage.MODERATE: 1, Damage.MAJOR: 2, Damage.FLOOD: 2,
                   Damage.FIRE: 3}  # fmt: skip
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")  # fixed: no locale in titles
_LENDERS = ("HDFC Bank", "ICICI Bank", "State Bank of India", "Axis Bank", "Kotak Mahindra Prime",
            "Mahindra Finance", "Bajaj Finance")  # fmt: skip
_SEGMENTS = {BodyType.SUV: "SUV", BodyType.MUV: "MUV", BodyType.HATCHBACK: "hatchback",
             BodyType.SEDAN: "sedan", BodyType.PICKUP: "pickup"}  # fmt: skip
_CANCEL_REASONS = (
    "The lender did not release the hypothecation on three lots in time; the cars will be relisted "
    "next week.",
    "Yard flooded after heavy rain, so buyers could not inspect the cars; the sale moves to a later date.",
    "Listed with the wrong reserve prices; cancelled before it opened and relisted.",
)


@dataclass(frozen=True)
class _Stock:
    """A new car row with what its lot prices are based on."""

    car: Car
    price: int  # a believable used price in INR


@dataclass(frozen=True)
class _Plan:
    """An auction waiting for ids: its lots follow `stock`, ending at `ends` (staggered lanes)."""

    auction: Auction
    stock: Sequence[_Stock]
    ends: Sequence[datetime]


def seed_inventory(
    uow: UnitOfWork, *, stores: list[Dealer], rng: random.Random, now: datetime,
    media: MediaStore | None = None,
) -> tuple[int, int]:
    """Add the demo cars, auctions and lots to `uow.session` (not committed); (cars, auctions)."""
    pictures = _Pictures(media or get_media_store())
    vins: set[str] = set()
    stock = {_id(store): [_new_stock(rng, store, now, pictures, vins) for _ in range(count)]
             for store, count in zip(stores, _cars_per_store(rng, len(stores)), strict=True)}
    uow.session.add_all(item.car for items in stock.values() for item in items)
    uow.session.flush()  # lots need the cars' ids
    plans = [plan for store in stores for plan in _store_plans(rng, store, stock[_id(store)], now)]
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


def _id(row: Dealer | Car | Auction) -> int:
    if row.id is None:
        raise ValueError(f"{type(row).__name__} must be flushed (have an id) before the demo uses it")
    return row.id


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


# --- cars --------------------------------------------------------------------


def _new_stock(
    rng: random.Random, store: Dealer, now: datetime, pictures: _Pictures, vins: set[str]
) -> _Stock:
    model = rng.choice(MODELS)
    colour = rng.choice(COLOURS)
    car = _new_car(rng, model, store, now)
    car.colour = colour.name
    car.vin = _unique_vin(rng, model, car.year, vins)
    car.photos = pictures.for_car(rng, model.body_type, colour)
    car.description = _description(rng, car, now)
    price = used_price_inr(model, car.year, car.odometer_km, car.condition_grade, rng)
    return _Stock(car, price)


def _new_car(rng: random.Random, model: CarModel, store: Dealer, now: datetime) -> Car:
    year = _model_year(rng, model, now)
    age = max(0, now.year - year)
    fuel = rng.choice(model.fuels)
    title = _pick(rng, _TITLE_WEIGHTS)
    damage = _damage(rng, title)
    listed = now - timedelta(days=rng.randint(14, 120), minutes=rng.randint(0, 600))
    return Car(
        dealer_id=_id(store), vin="", make=model.make, model=model.model,
        variant=rng.choice(model.variants), year=year, body_type=model.body_type, fuel=fuel,
        transmission=_transmission(rng, model, fuel), engine_cc=model.engine_cc,
        odometer_km=_odometer(rng, age), registration_year=_registration_year(rng, year, now),
        owners=_owners(rng, age), colour="", city=store.city, title_status=title, damage=damage,
        condition_grade=_condition_grade(rng, age, damage), created_at=listed, updated_at=listed,
    )


def _pick(rng: random.Random, weights: dict[_T, int]) -> _T:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _model_year(rng: random.Random, model: CarModel, now: datetime) -> int:
    last = min(model.years[1], now.year)  # no listing from a model year still in the future
    return rng.randint(min(model.years[0], last), last)


def _transmission(rng: random.Random, model: CarModel, fuel: Fuel) -> Transmission:
    options = model.transmissions
    if fuel is Fuel.CNG:  # factory CNG in India comes with a manual or AMT, never a torque converter
        options = tuple(t for t in options if t in (Transmission.MANUAL, Transmission.AMT)) or options
    elif fuel is Fuel.HYBRID:  # strong hybrids drive through an e-CVT, never a manual
        options = tuple(t for t in options if t is not Transmission.MANUAL) or options
    return rng.choice(options)


def _odometer(rng: random.Random, age: int) -> int:
    yearly = rng.randint(7_000, 16_000)  # city cars ~8,000 km a year, highway and taxi-ish use more
    km = (age + rng.uniform(0.2, 0.9)) * yearly
    return max(800, round(km / 100) * 100)


def _registration_year(rng: random.Random, year: int, now: datetime) -> int:
    # Cars built late in a year are often registered in January of the next one.
    return min(now.year, year + 1) if rng.random() < 0.2 else year


def _owners(rng: random.Random, age: int) -> int:
    weights = (85, 13, 2) if age <= 3 else (55, 35, 10) if age <= 7 else (30, 45, 25)
    return rng.choices((1, 2, 3), weights=weights)[0]


def _damage(rng: random.Random, title: TitleStatus) -> Damage:
    if title is TitleStatus.SALVAGE:  # an insurer writes a car off only after serious damage
        return rng.choice((Damage.MAJOR, Damage.FLOOD, Damage.FIRE))
    if title is TitleStatus.REBUILT:
        return rng.choice((Damage.NONE, Damage.MINOR, Damage.MODERATE))
    return _pick(rng, _DAMAGE_WEIGHTS)


def _condition_grade(rng: random.Random, age: int, damage: Damage) -> int:
    grade = 5 - age // 4 - _DAMAGE_PENALTY[damage] + rng.choice((-1, 0, 0, 1))
    return max(1, min(5, grade))


def _unique_vin(rng: random.Random, model: CarModel, year: int, vins: set[str]) -> str:
    while True:  # a clash among 300 random serials is rare, but `vin` is a unique column
        vin = make_vin(rng, model.wmi, year=year)
        if vin not in vins:
            vins.add(vin)
            return vin


# --- descriptions ------------------------------------------------------------


def _description(rng: random.Random, car: Car, now: datetime) -> str:
    sentences = [_history_sentence(rng, car), _upkeep_sentence(rng, car, now), _condition_sentence(rng, car)]
    return " ".join(s for s in sentences if s)


def _history_sentence(rng: random.Random, car: Car) -> str:
    owner = ("Single-owner", "Second-owner", "Third-owner")[min(car.owners, 3) - 1]
    service = rng.choice((
        f"full service history at the authorised {car.make} workshop",
        "serviced every 10,000 km at the dealer, with all bills in the file",
        "serviced at a trusted multi-brand garage, stamped service book",
        f"last major service (brake pads, coolant, battery) at {_km(max(500, car.odometer_km - 4_000))} km",
    ))  # fmt: skip
    return f"{owner} {car.year} {car.make} {car.model} {car.variant}, {_km(car.odometer_km)} km, {service}."


def _upkeep_sentence(rng: random.Random, car: Car, now: datetime) -> str:
    tyres = rng.choice((f"Tyres about {rng.randint(4, 9)}0% left", "Four new tyres fitted this year",
                        "Original tyres with even wear", "Front tyres replaced recently"))  # fmt: skip
    if rng.random() < 0.1:
        return f"{tyres}; insurance lapsed in {_month(now, -rng.randint(1, 5))}, so the buyer renews it."
    cover = rng.choice(("comprehensive", "zero-depreciation", "third-party"))
    return f"{tyres}; {cover} insurance valid till {_month(now, rng.randint(1, 11))}."


def _condition_sentence(rng: random.Random, car: Car) -> str:
    # Damage first: it is what a bidder most needs to read, and the loan also shows in the title status.
    if car.title_status in (TitleStatus.REBUILT, TitleStatus.SALVAGE) or car.damage != Damage.NONE:
        title = TitleStatus.CLEAN if car.title_status == TitleStatus.HYPOTHECATED else car.title_status
        return _DAMAGE_NOTES[(TitleStatus(title), Damage(car.damage))]
    if car.title_status == TitleStatus.HYPOTHECATED:
        return (f"Hypothecated to {rng.choice(_LENDERS)}: the seller closes the loan and hands over "
                "the NOC and Form 35 at sale.")
    if car.fuel == Fuel.ELECTRIC:
        return f"Battery health {rng.randint(88, 98)}% at the last check; home charger included."
    return rng.choice(("Non-accidental, with both keys and the original RC.", "Non-smoker owned.", ""))


_DAMAGE_NOTES: dict[tuple[TitleStatus, Damage], str] = {
    (TitleStatus.CLEAN, Damage.MINOR): "Minor scratches on the rear bumper and a small dent on one door.",
    (TitleStatus.CLEAN, Damage.MODERATE): "Front bumper and bonnet damaged in a low-speed collision; "
                                          "runs and drives.",
    (TitleStatus.CLEAN, Damage.MAJOR): "Heavy damage to the left side after an accident; needs body work.",
    (TitleStatus.REBUILT, Damage.NONE): "Rebuilt after a front-end collision; repair invoices available.",
    (TitleStatus.REBUILT, Damage.MINOR): "Rebuilt after an accident; small paint defects remain.",
    (TitleStatus.REBUILT, Damage.MODERATE): "Rebuilt after an accident; rear quarter panel still needs work.",
    (TitleStatus.SALVAGE, Damage.MAJOR): "Insurer write-off after a major accident, airbags deployed; "
                                         "sold for parts or restoration.",
    (TitleStatus.SALVAGE, Damage.FLOOD): "Insurer write-off after flood water reached the dashboard; "
                                         "does not start.",
    (TitleStatus.SALVAGE, Damage.FIRE): "Insurer write-off after an engine-bay fire; towing required.",
}  # fmt: skip


def _km(km: int) -> str:
    """Indian digit grouping, as buyers read it: 1,25,000 rather than 125,000."""
    head, tail = str(km)[:-3], str(km)[-3:]
    groups: list[str] = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return ",".join([g for g in (head, *groups) if g] + [tail])


def _month(now: datetime, months_ahead: int) -> str:
    index = now.month - 1 + months_ahead
    return f"{_MONTHS[index % 12]} {now.year + index // 12}"


# --- pictures ----------------------------------------------------------------


class _Pictures:
    """Renders each (body type, colour, angle) once; the content-addressed store dedupes across runs."""

    def __init__(self, media: MediaStore) -> None:
        self._media = media
        self._keys: dict[tuple[BodyType, str, int], str] = {}

    def for_car(self, rng: random.Random, body_type: BodyType, colour: Colour) -> list[str]:
        angles = (0, 1, 2) if rng.random() < 0.5 else (0, rng.choice((1, 2)))
        return [self._key(body_type, colour, angle) for angle in angles]

    def _key(self, body_type: BodyType, colour: Colour, angle: int) -> str:
        wanted = (body_type, colour.name, angle)
        if wanted not in self._keys:
            data = _picture(body_type, colour.rgb, angle)
            self._keys[wanted] = self._media.put(data, suffix=PICTURE_SUFFIX)
        return self._keys[wanted]


@lru_cache(maxsize=512)  # rendering is the slow part of seeding; a process that seeds again reuses it
def _picture(body_type: BodyType, rgb: tuple[int, int, int], angle: int) -> bytes:
    # A seed from the combination, not from the shared `rng`: a picture then does not depend on
    # which car asked for it first, and cached pictures leave the random sequence unchanged.
    seed = zlib.crc32(f"{body_type}/{rgb}/{angle}".encode())
    return render_car_picture(body_type=body_type, colour_rgb=rgb, angle=angle, seed=seed, size=PICTURE_SIZE)


# --- auctions ----------------------------------------------------------------


def _store_plans(rng: random.Random, store: Dealer, stock: list[_Stock], now: datetime) -> list[_Plan]:
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
    rng: random.Random, stores: list[Dealer], stock: dict[int, list[_Stock]], now: datetime
) -> list[_Plan]:
    """A couple of called-off sales; their cars may sit in another auction, as relisted cars do."""
    chosen = rng.sample(stores, min(CANCELLED_AUCTIONS, len(stores)))
    plans = []
    for store in chosen:
        cars = stock[_id(store)]
        size = min(len(cars), rng.randint(LOTS_PER_AUCTION[0], 5))
        plans.append(_plan(rng, _Kind.CANCELLED, store, rng.sample(cars, size), now))
    return plans


def _plan(rng: random.Random, kind: _Kind, store: Dealer, stock: Sequence[_Stock], now: datetime) -> _Plan:
    starts_at, first_end = _SCHEDULES[kind](rng, now)
    stagger = timedelta(minutes=rng.choice((2, 3)))  # lots close one after another, like auction lanes
    ends = [first_end + stagger * i for i in range(len(stock))]
    created = min(now, starts_at) - timedelta(days=rng.randint(2, 5), minutes=rng.randint(0, 600))
    cancelled = kind is _Kind.CANCELLED
    auction = Auction(
        dealer_id=_id(store), title=_title(rng, store, stock, starts_at),
        description=_auction_description(store, stock, stagger), status=_STORED_STATUS[kind],
        starts_at=starts_at, ends_at=ends[-1], soft_close_window_s=SOFT_CLOSE_S,
        soft_close_extension_s=SOFT_CLOSE_S, buyer_premium_pct=BUYER_PREMIUM_PCT, premium_min=PREMIUM_MIN,
        premium_max=PREMIUM_MAX, cancel_reason=rng.choice(_CANCEL_REASONS) if cancelled else None,
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


def _title(rng: random.Random, store: Dealer, stock: Sequence[_Stock], starts_at: datetime) -> str:
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


def _segment(stock: Sequence[_Stock]) -> str:
    """The body type most lots share ("SUV"), or "used car" for a mixed sale."""
    body, count = Counter(item.car.body_type for item in stock).most_common(1)[0]
    label = _SEGMENTS.get(BodyType(body))
    return label if label and count * 2 >= len(stock) else "used car"


def _auction_description(store: Dealer, stock: Sequence[_Stock], stagger: timedelta) -> str:
    minutes = int(stagger.total_seconds() // 60)
    return (
        f"{len(stock)} inspected and graded cars from {store.store_name}, {store.city}; viewing at the "
        f"yard ({store.address}) the day before the sale. Lots close {minutes} minutes apart, and a bid "
        "in the last two minutes extends that lot by two minutes. Buyer premium 5% (min ₹2,000, "
        "max ₹25,000)."
    )


# --- lots --------------------------------------------------------------------


def _lots(rng: random.Random, plan: _Plan) -> list[Lot]:
    auction_id = _id(plan.auction)
    return [_lot(rng, auction_id, number, item, ends_at)
            for number, (item, ends_at) in enumerate(zip(plan.stock, plan.ends, strict=True), start=1)]


def _lot(rng: random.Random, auction_id: int, number: int, item: _Stock, ends_at: datetime) -> Lot:
    """Opening bids well under the car's value draw bidders in; the hidden reserve sits near it."""
    price = Decimal(item.price)
    return Lot(
        auction_id=auction_id, car_id=_id(item.car), lot_number=number, ends_at=ends_at,
        starting_price=_share(price, rng.randint(60, 80)),
        reserve_price=_share(price, rng.randint(90, 100)) if rng.random() < 0.7 else None,
        buy_now_price=_share(price, rng.randint(115, 125)) if rng.random() < 0.3 else None,
    )


def _share(price: Decimal, percent: int) -> Decimal:
    """`percent` of `price`, rounded to the nearest ₹1,000 as dealers quote it (never below ₹1,000)."""
    thousands = (price * percent / 100_000).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(Decimal(1000), thousands * 1000)
