"""The fee arithmetic (domain/bidding/fees.py): bands, edges, limits, rounding, and refused schedules."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.bidding.fees import CENT, FeeBand, FeeSchedule, check_bands, sale_amounts
from domain.errors import ValidationFailed

# Copart-like: 10 % (at least ₹2,000) up to ₹1 lakh; 5 % capped at ₹25,000 to ₹10 lakh; then flat ₹40,000.
TIERED = FeeSchedule((FeeBand(D(0), percent=D(10), minimum=D(2000)),
                      FeeBand(D(100_000), percent=D(5), maximum=D(25_000)),
                      FeeBand(D(1_000_000), flat=D(40_000))))


@pytest.mark.parametrize(("hammer", "fee"), [
    (D(0), D(2000)),  # the minimum holds even at nothing
    (D("19999.99"), D(2000)),  # 10 % is 1,999.999...: the minimum wins
    (D(20_000), D(2000)),  # exactly the minimum
    (D("99999.99"), D("10000.00")),  # 9,999.999 rounds half up to 10,000.00: the last paisa of band 1
    (D(100_000), D(5000)),  # the edge belongs to the band that starts there: 5 %, not 10 %
    (D(500_000), D(25_000)),  # 5 % is exactly the maximum
    (D(500_001), D(25_000)),  # above it, held at the maximum
    (D("999999.99"), D(25_000)),
    (D(1_000_000), D(40_000)),  # the flat band, from its first rupee
    (D(9_000_000), D(40_000)),
])
def test_the_band_holding_the_hammer_prices_all_of_it(hammer: D, fee: D) -> None:
    assert TIERED.fee(hammer) == fee


def test_rounding_is_half_up_to_the_paisa_once() -> None:
    band = FeeBand(D(0), percent=D("1.25"))
    assert band.fee(D("0.40")) == D("0.01")  # 0.005 -> 0.01 (half up)
    assert band.fee(D("0.39")) == D("0.00")  # 0.004875 -> 0.00
    assert FeeBand(D(0), percent=D("2.5"), flat=D("0.01")).fee(D("0.20")) == D("0.02")  # 0.01 + 0.005


def test_flat_and_percent_add_before_the_limits() -> None:
    band = FeeBand(D(0), percent=D(1), flat=D(5000), minimum=D(7000), maximum=D(12_000))
    assert band.fee(D(100_000)) == D(7000)  # 6,000 -> the minimum
    assert band.fee(D(500_000)) == D(10_000)
    assert band.fee(D(900_000)) == D(12_000)  # 14,000 -> the maximum


def test_a_sale_adds_up() -> None:
    flat = FeeSchedule((FeeBand(D(0), flat=D(4000)),))
    sale = sale_amounts(D(500_000), premium=TIERED, seller_fee=flat)
    assert (sale.buyer_premium, sale.seller_fee) == (D(25_000), D(4000))
    assert (sale.buyer_total, sale.dealer_earnings) == (D(525_000), D(496_000))
    assert sale.platform_revenue == D(29_000)


money = st.decimals(min_value=0, max_value=10**8 - 1, places=2, allow_nan=False, allow_infinity=False)
percent = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def bands(draw: st.DrawFn) -> FeeBand:
    low, high = sorted((draw(money), draw(money)))
    return FeeBand(D(0), draw(percent), draw(money), low, draw(st.one_of(st.none(), st.just(high))))


@given(bands(), money)
def test_a_fee_is_exact_paise_within_its_limits(band: FeeBand, price: D) -> None:
    fee, unlimited = band.fee(price), FeeBand(D(0), band.percent, band.flat).fee(price)
    assert fee == fee.quantize(CENT) and fee >= band.minimum
    assert band.maximum is None or fee <= band.maximum
    assert fee == unlimited or fee in (band.minimum, band.maximum)  # the limits only ever hold it


@given(percent, money, money)
def test_a_percent_fee_never_falls_as_the_price_rises_within_a_band(pct: D, first: D, second: D) -> None:
    band = FeeBand(D(0), percent=pct)
    low, high = sorted((first, second))
    assert band.fee(low) <= band.fee(high) <= high


@given(st.lists(money, min_size=1, max_size=6, unique=True), money)
def test_the_band_used_is_the_last_starting_at_or_below_the_price(starts: list[D], price: D) -> None:
    rising = sorted({D(0), *starts})
    schedule = FeeSchedule(tuple(FeeBand(start, flat=start) for start in rising))
    assert schedule.band_for(price).from_price == max(start for start in rising if start <= price)


@pytest.mark.parametrize(("bands_", "field", "words"), [
    ([], "bands", "at least one band"),
    ([FeeBand(D(10))], "bands", "start at 0"),
    ([FeeBand(D(0)), FeeBand(D(500)), FeeBand(D(100))], "bands", "rise strictly"),
    ([FeeBand(D(0)), FeeBand(D(0), percent=D(1))], "bands", "rise strictly"),
    ([FeeBand(D(0), percent=D("100.01"))], "band 1", "0 to 100"),
    ([FeeBand(D(0), percent=D(-1))], "band 1", "0 to 100"),
    ([FeeBand(D(0), percent=D("1.005"))], "band 1", "two decimals"),
    ([FeeBand(D(0), flat=D(-5))], "band 1", "0 or more"),
    ([FeeBand(D(0), minimum=D("0.001"))], "band 1", "two decimals"),
    ([FeeBand(D(0)), FeeBand(D(10), minimum=D(500), maximum=D(100))], "band 2", "maximum must not be below"),
    ([FeeBand(D(0), maximum=D(10**8))], "band 1", "below ₹10 crore"),
])
def test_a_bad_schedule_is_refused_with_what_to_fix(bands_: list[FeeBand], field: str, words: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_bands(bands_)
    assert words in refused.value.problems[field]


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_bands([FeeBand(D(5), percent=D(200)), FeeBand(D(1), minimum=D(9), maximum=D(1))])
    assert set(refused.value.problems) == {"bands", "band 1", "band 2"}


def test_a_good_schedule_is_kept_as_given() -> None:
    assert check_bands(list(TIERED.bands)) == TIERED.bands
