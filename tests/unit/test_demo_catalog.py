"""Sanity checks on the demo catalogue data and its used-price model."""

import itertools
import random

import pytest

from demo.catalog import (
    CITIES,
    COLOURS,
    DEALER_NAMES,
    MAX_CONDITION_GRADE,
    MIN_CONDITION_GRADE,
    MODELS,
    PRICE_REFERENCE_YEAR,
    CarModel,
    used_price_inr,
)
from domain.inventory.vehicle import BodyType, Fuel, Transmission
from domain.inventory.vin import ALLOWED_CHARS, make_vin, normalize_vin

LATEST_ALLOWED_YEAR = 2026
EARLIEST_SENSIBLE_YEAR = 2005


def model_id(model: CarModel) -> str:
    return model.name


def price(model: CarModel, year: int, *, km: int = 40_000, grade: int = 4, seed: int = 1) -> int:
    return used_price_inr(model, year, km, grade, random.Random(seed))


def test_catalogue_is_big_enough_for_a_demo() -> None:
    assert len(MODELS) >= 40
    assert len(CITIES) >= 15
    assert len(DEALER_NAMES) >= 12
    assert len(COLOURS) >= 10


def test_models_are_unique() -> None:
    names = [model.name for model in MODELS]
    assert len(names) == len(set(names))


def test_every_body_type_has_a_model() -> None:
    assert {model.body_type for model in MODELS} == set(BodyType)


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_wmi_uses_only_vin_characters(model: CarModel) -> None:
    assert len(model.wmi) == 3
    assert all(char in ALLOWED_CHARS for char in model.wmi)


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_wmi_makes_valid_vins(model: CarModel) -> None:
    vin = make_vin(random.Random(0), model.wmi, year=model.years[1])
    assert normalize_vin(vin) == vin


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_years_are_sensible(model: CarModel) -> None:
    first, last = model.years
    assert EARLIEST_SENSIBLE_YEAR <= first <= last <= LATEST_ALLOWED_YEAR


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_enum_fields_hold_real_members(model: CarModel) -> None:
    assert isinstance(model.body_type, BodyType)
    assert model.fuels and all(isinstance(fuel, Fuel) for fuel in model.fuels)
    assert model.transmissions
    assert all(isinstance(gearbox, Transmission) for gearbox in model.transmissions)


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_descriptive_fields_are_filled(model: CarModel) -> None:
    assert model.make.strip() and model.model.strip()
    assert model.variants and all(variant.strip() for variant in model.variants)
    assert len(set(model.variants)) == len(model.variants)
    assert model.new_price_inr > 0


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_engine_size_matches_fuel(model: CarModel) -> None:
    if model.fuels == (Fuel.ELECTRIC,):
        assert model.engine_cc == 0
    else:
        assert Fuel.ELECTRIC not in model.fuels
        assert 600 <= model.engine_cc <= 6_500


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_prices_are_positive_even_for_worst_case(model: CarModel) -> None:
    first, last = model.years
    for year in range(first, last + 1):
        assert used_price_inr(model, year, 300_000, MIN_CONDITION_GRADE, random.Random(3)) > 0


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_prices_decrease_with_age(model: CarModel) -> None:
    first, last = model.years
    prices = [price(model, year) for year in range(last, first - 1, -1)]
    assert all(newer > older for newer, older in itertools.pairwise(prices))


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_used_price_is_below_new_price(model: CarModel) -> None:
    for seed in range(20):
        rng = random.Random(seed)
        best_case = used_price_inr(model, PRICE_REFERENCE_YEAR, 0, MAX_CONDITION_GRADE, rng)
        assert best_case < model.new_price_inr


def test_prices_are_rounded_to_thousands() -> None:
    assert all(price(MODELS[0], 2023, seed=seed) % 1000 == 0 for seed in range(50))


def test_higher_mileage_lowers_price() -> None:
    swift = next(model for model in MODELS if model.model == "Swift")
    assert price(swift, 2021, km=120_000) < price(swift, 2021, km=30_000)


def test_better_condition_raises_price() -> None:
    swift = next(model for model in MODELS if model.model == "Swift")
    assert price(swift, 2021, grade=5) > price(swift, 2021, grade=2)


def test_same_rng_seed_gives_same_price() -> None:
    assert price(MODELS[5], 2020, seed=9) == price(MODELS[5], 2020, seed=9)


@pytest.mark.parametrize("grade", [MIN_CONDITION_GRADE - 1, MAX_CONDITION_GRADE + 1])
def test_condition_grade_out_of_range_is_rejected(grade: int) -> None:
    with pytest.raises(ValueError, match="condition_grade"):
        price(MODELS[0], 2022, grade=grade)


def test_negative_odometer_is_rejected() -> None:
    with pytest.raises(ValueError, match="odometer_km"):
        price(MODELS[0], 2022, km=-1)


def test_cities_have_six_digit_pin_codes() -> None:
    for city in CITIES:
        assert city.name and city.state
        assert len(city.postal_code) == 6 and city.postal_code.isdigit()
        assert city.postal_code[0] != "0"  # Indian PINs never start with 0


def test_dealer_names_are_unique() -> None:
    assert len(set(DEALER_NAMES)) == len(DEALER_NAMES)


def test_colours_have_valid_rgb() -> None:
    for colour in COLOURS:
        assert colour.name
        assert len(colour.rgb) == 3 and all(0 <= channel <= 255 for channel in colour.rgb)
