"""The demo's cars: believable used cars of the Indian market, with descriptions and offline pictures.

`demo.inventory` asks for them store by store; every random choice comes from the caller's `rng`
and every date is relative to `now`, so one seed always gives the same cars.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TypeVar

from data.media import MediaStore
from data.models import Auction, Car, Dealer
from demo.car_images import render_car_picture
from demo.catalog import COLOURS, MODELS, CarModel, Colour, used_price_inr
from domain.inventory.vehicle import BodyType, Damage, Fuel, TitleStatus, Transmission
from domain.inventory.vin import make_vin

PICTURE_SIZE = (480, 300)  # a listing thumbnail; big enough for the detail page, fast enough to seed
PICTURE_SUFFIX = ".webp"
_T = TypeVar("_T")


_TITLE_WEIGHTS = {TitleStatus.CLEAN: 80, TitleStatus.HYPOTHECATED: 14, TitleStatus.REBUILT: 4,
                  TitleStatus.SALVAGE: 2}  # fmt: skip
_DAMAGE_WEIGHTS = {Damage.NONE: 64, Damage.MINOR: 28, Damage.MODERATE: 7, Damage.MAJOR: 1}
_DAMAGE_PENALTY = {Damage.NONE: 0, Damage.MINOR: 0, Damage.MODERATE: 1, Damage.MAJOR: 2, Damage.FLOOD: 2,
                   Damage.FIRE: 3}  # fmt: skip
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_LENDERS = ("HDFC Bank", "ICICI Bank", "State Bank of India", "Axis Bank", "Kotak Mahindra Prime",
            "Mahindra Finance", "Bajaj Finance")  # fmt: skip


@dataclass(frozen=True)
class Stock:
    """A new car row with what its lot prices are based on."""

    car: Car
    price: int  # a believable used price in INR


def new_stock(
    rng: random.Random, store: Dealer, now: datetime, pictures: Pictures, vins: set[str],
    *, rendered_only: bool = False,
) -> Stock:
    """A new car. With `rendered_only` (cars of the past, sold long ago), its colour and pictures are
    among those already rendered for its body type, so a year of history adds no rendering time."""
    model = rng.choice(MODELS)
    known = pictures.rendered(model.body_type) if rendered_only else None
    colour = rng.choice(known or COLOURS)
    car = _new_car(rng, model, store, now)
    car.colour = colour.name
    car.vin = _unique_vin(rng, model, car.year, vins)
    car.photos = pictures.for_car(rng, model.body_type, colour, rendered_only=rendered_only)
    car.description = _description(rng, car, now)
    price = used_price_inr(model, car.year, car.odometer_km, car.condition_grade, rng)
    return Stock(car, price)


def _new_car(rng: random.Random, model: CarModel, store: Dealer, now: datetime) -> Car:
    year = _model_year(rng, model, now)
    age = max(0, now.year - year)
    fuel = rng.choice(model.fuels)
    title = _pick(rng, _TITLE_WEIGHTS)
    damage = _damage(rng, title)
    listed = now - timedelta(days=rng.randint(14, 120), minutes=rng.randint(0, 600))
    return Car(
        dealer_id=flushed_id(store), vin="", make=model.make, model=model.model,
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


class Pictures:
    """Renders each (body type, colour, angle) once; the content-addressed store dedupes across runs."""

    def __init__(self, media: MediaStore) -> None:
        self._media = media
        self._keys: dict[tuple[BodyType, str, int], str] = {}
        self._colours: dict[tuple[BodyType, str], Colour] = {}

    def for_car(self, rng: random.Random, body_type: BodyType, colour: Colour, *,
                rendered_only: bool = False) -> list[str]:
        angles: tuple[int, ...] = (0, 1, 2) if rng.random() < 0.5 else (0, rng.choice((1, 2)))
        if rendered_only and (body_type, colour.name, 0) in self._keys:
            angles = tuple(a for a in angles if (body_type, colour.name, a) in self._keys)
        return [self._key(body_type, colour, angle) for angle in angles]

    def rendered(self, body_type: BodyType) -> list[Colour] | None:
        """The colours already rendered for this body type (None if none is)."""
        return [c for (body, _), c in self._colours.items() if body == body_type] or None

    def _key(self, body_type: BodyType, colour: Colour, angle: int) -> str:
        wanted = (body_type, colour.name, angle)
        if wanted not in self._keys:
            data = _picture(body_type, colour.rgb, angle)
            self._keys[wanted] = self._media.put(data, suffix=PICTURE_SUFFIX)
            self._colours[(body_type, colour.name)] = colour
        return self._keys[wanted]


@lru_cache(maxsize=512)  # rendering is the slow part of seeding; a process that seeds again reuses it
def _picture(body_type: BodyType, rgb: tuple[int, int, int], angle: int) -> bytes:
    # A seed from the combination, not from the shared `rng`: a picture then does not depend on
    # which car asked for it first, and cached pictures leave the random sequence unchanged.
    seed = zlib.crc32(f"{body_type}/{rgb}/{angle}".encode())
    return render_car_picture(body_type=body_type, colour_rgb=rgb, angle=angle, seed=seed, size=PICTURE_SIZE)


def flushed_id(row: Dealer | Car | Auction) -> int:
    if row.id is None:
        raise ValueError(f"{type(row).__name__} must be flushed (have an id) before the demo uses it")
    return row.id
