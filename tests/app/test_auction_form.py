"""The auction form: Enter in a field does not save a draft, and the price grid shows blank cells
(numbers, not the text "None") for prices still to be typed."""

from __future__ import annotations

import json

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.app.conftest import page_as
from tests.support.factories import make_car, make_dealer

PRICES = ("starting_price", "reserve_price", "buy_now_price")


def form_with_two_cars() -> AppTest:
    dealer = make_dealer()
    cars = [make_car(dealer).id for _ in range(2)]
    at = page_as(dealer, "pages/dealer_auctions.py")
    at.multiselect(key="a_cars").set_value(cars)
    at.run()
    assert not at.exception
    return at


def test_enter_in_a_field_does_not_save_the_draft() -> None:
    at = form_with_two_cars()
    (form,) = at.get("form")
    assert form.proto.form.enter_to_submit is False  # only the "Save draft" button saves


def test_the_price_grid_has_blank_number_cells() -> None:
    at = form_with_two_cars()
    (grid,) = at.get("dataframe")
    frame: pd.DataFrame = grid.value
    assert len(frame) == 2
    for column in PRICES:
        assert pd.api.types.is_float_dtype(frame[column]), column  # NaN renders as an empty cell
        assert frame[column].isna().all()
    config = json.loads(grid.proto.columns)
    assert all(config[column]["type_config"]["type"] == "number" for column in PRICES)
    assert config["car_id"]["hidden"] is True  # the dealer picks by car name; the id travels along
