"""The browse and car pages: a bidder sees cards, filters, pages forward and opens a car; bad links get
a message; visitors are sent to sign in."""

from __future__ import annotations

import io

from PIL import Image
from streamlit.testing.v1 import AppTest

from domain.accounts import auth
from domain.inventory import cars
from domain.permissions import Actor
from tests.app.conftest import TIMEOUT, page_as, texts
from tests.support.factories import PASSWORD, car_fields, make_car, make_dealer, make_user
from ui.session import TOKEN_KEY


def car_page(actor: Actor | None, car_id: str | None) -> AppTest:
    """The car page on its own, opened from a link carrying `?id=`."""
    at = AppTest.from_file("../../pages/car.py", default_timeout=TIMEOUT)
    if car_id is not None:
        at.query_params["id"] = car_id
    if actor is not None:
        at.session_state[TOKEN_KEY] = auth.user_login(email=actor.email, password=PASSWORD,
                                                      address="127.0.0.1").token
    return at.run()


def picture() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 90, 200)).save(out, format="PNG")
    return out.getvalue()


def card_titles(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("**")]


def test_a_bidder_browses_filters_and_pages_forward() -> None:
    dealer = make_dealer()
    for _ in range(25):
        make_car(dealer)
    make_car(dealer, make="Hyundai", model="Creta", variant="SX", body_type="suv")
    at = page_as(make_user(), "pages/cars.py")
    assert not at.exception and len(card_titles(at)) == 24
    assert "Not in an auction" in texts(at) and "Pune · 42,000 km" in texts(at)
    at.button(key="browse_next").click().run()
    assert len(card_titles(at)) == 2 and "Page 2" in texts(at)
    assert at.button(key="browse_next").disabled
    at.selectbox(key="f_make").select("Hyundai").run()
    assert card_titles(at) == [r"**2019 Hyundai Creta SX**"] and "Page 1" in texts(at)


def test_a_search_that_finds_nothing_says_so() -> None:
    make_car(make_dealer())
    at = page_as(make_user(), "pages/cars.py")
    at.text_input(key="f_text").input('NEAR( "; DROP TABLE cars; --').run()
    assert not at.exception and card_titles(at) == []
    assert "No cars match" in texts(at)


def test_the_car_page_shows_the_car_with_its_photos() -> None:
    dealer = make_dealer()
    car = cars.car_create(dealer, dealer.dealer_id or 0,
                          car_fields(description="Serviced [here](http://evil.example)"),
                          photos=[("front.png", picture()), ("back.png", picture())])
    at = car_page(make_user(), str(car.id))
    assert not at.exception
    assert "2019 Maruti Suzuki Swift VXI" in at.title[0].value
    assert "Dev Motors" in texts(at) and "not in an auction" in texts(at)
    assert len(at.image[0].value) == 2 and at.dataframe  # both photos, and the specification
    assert r"\[here\]\(http://evil\.example\)" in texts(at)  # shown literally, not as a link


def test_a_bad_or_missing_id_gets_a_message() -> None:
    bidder = make_user()
    for car_id in (None, "abc", "-1", "1e3", "٣", "9" * 30):
        at = car_page(bidder, car_id)
        assert not at.exception and "does not name a car" in at.error[0].value, car_id
    at = car_page(bidder, "999999")
    assert "No such car" in at.error[0].value


def test_a_visitor_is_asked_to_sign_in() -> None:
    for at in (page_as(None, "pages/cars.py"), car_page(None, "1")):
        assert not at.exception and "Please sign in" in at.warning[0].value
        assert not card_titles(at)
