"""Browse cars (FR7): filter, sort and page through the cars on sale; each card opens the car's page."""

from decimal import Decimal

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from domain.inventory import catalog
from domain.inventory.catalog import BrowsePage, CarCard, CarFilters, SortKey
from domain.inventory.vehicle import BodyType, Fuel, TitleStatus, Transmission
from ui.feedback import reporting_errors
from ui.format import local_time, md_escape, money
from ui.nav import link
from ui.session import guard

GRID_COLUMNS = 3
SORT_LABELS = {SortKey.NEWEST: "Newest listed", SortKey.ENDING_SOONEST: "Ending soonest",
               SortKey.PRICE_LOW: "Price: low to high", SortKey.PRICE_HIGH: "Price: high to low",
               SortKey.YEAR_NEWEST: "Year: newest first", SortKey.ODOMETER_LOW: "Kilometres: fewest first"}


@st.cache_data(ttl=60, show_spinner=False)
def _makes_and_models() -> dict[str, list[str]]:
    return catalog.makes_and_models()


def _any(column: DeltaGenerator, label: str, options: list[str], key: str) -> str | None:
    return column.selectbox(label, [None, *options], format_func=lambda o: o or "Any", key=key)


def _number(column: DeltaGenerator, label: str, key: str, step: int) -> int | None:
    value = column.number_input(label, min_value=0, value=None, step=step, key=key)
    return None if value is None else int(value)


def _read_filters(text: str) -> CarFilters:
    makes = _makes_and_models()
    with st.expander("Filters", icon=":material/filter_list:"):
        left, middle, right = st.columns(3)
        make = _any(left, "Make", list(makes), "f_make")
        price_min, price_max = (_number(middle, f"Price {end}", f"f_price_{end}", 50_000)
                                for end in ("from", "to"))
        return CarFilters(
            text=text, make=make,
            model=_any(left, "Model", makes.get(make or "", []), "f_model"),
            year_min=_number(left, "Year from", "f_year_min", 1),
            year_max=_number(left, "Year to", "f_year_max", 1),
            price_min=None if price_min is None else Decimal(price_min),
            price_max=None if price_max is None else Decimal(price_max),
            ending_within_hours=_number(middle, "Ending within (hours)", "f_ending", 1),
            odometer_max=_number(middle, "Kilometres at most", "f_odometer_max", 10_000),
            fuel=_any(right, "Fuel", list(Fuel), "f_fuel"),
            transmission=_any(right, "Transmission", list(Transmission), "f_transmission"),
            body_type=_any(right, "Body type", list(BodyType), "f_body_type"),
            title_status=_any(right, "Title", list(TitleStatus), "f_title_status"),
            city=right.text_input("City", key="f_city", max_chars=80, placeholder="e.g. Pune"))


def _go(cursor: str | None, number: int) -> None:
    st.session_state["browse_cursor"], st.session_state["browse_page"] = cursor, number


def _card(car: CarCard, zone: str) -> None:
    with st.container(border=True):
        picture = catalog.photo_bytes(car.photo) if car.photo else None
        if picture:
            st.image(picture, width="stretch")
        st.markdown(f"**{md_escape(car.title)}**")
        st.markdown(money(car.price) if car.price is not None else "Not in an auction")
        st.caption(f"{md_escape(car.city)} · {car.odometer_km:,} km")
        if car.ends_at is not None:
            st.caption(f"Ends {local_time(car.ends_at, zone)}")
        link("pages/car.py", "View car", "open_in_new", query={"id": str(car.id)})


actor = guard()
st.title("Browse cars")
search, order = st.columns([3, 1])
text = search.text_input("Search", key="f_text", max_chars=catalog.MAX_TEXT,
                         placeholder="e.g. swift vxi diesel")
sort = order.selectbox("Sort by", list(SortKey), format_func=SORT_LABELS.__getitem__,
                       key="f_sort") or SortKey.NEWEST
filters = _read_filters(text)
if st.session_state.get("browse_query") != (filters, sort):  # a new search starts at its first page
    st.session_state["browse_query"] = (filters, sort)
    _go(None, 1)

page: BrowsePage | None = None
with reporting_errors():
    page = catalog.car_browse(actor, filters, sort, st.session_state["browse_cursor"])
if page is None:
    st.stop()
if not page.items:
    st.info("No cars match. Remove a filter or search with fewer words.")
for start in range(0, len(page.items), GRID_COLUMNS):
    for column, car in zip(st.columns(GRID_COLUMNS), page.items[start:start + GRID_COLUMNS], strict=False):
        with column:
            _card(car, actor.timezone)

number = st.session_state["browse_page"]
first, caption, after = st.columns([1, 2, 1])
first.button("First page", key="browse_first", on_click=_go, args=(None, 1), disabled=number == 1)
caption.caption(f"Page {number}")
after.button("Next page", key="browse_next", on_click=_go, args=(page.next_cursor, number + 1),
             disabled=page.next_cursor is None)
