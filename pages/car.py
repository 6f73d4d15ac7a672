"""One car (FR7): photos, specification, the dealer's store, and its auction lot if it is in one."""

import streamlit as st

from domain.auctions.queries import LotRow
from domain.inventory import catalog
from domain.inventory.catalog import CarDetail
from domain.inventory.rules import CAR_FIELDS
from domain.types import CarStatus
from ui.car_admin import car_takedown_panel
from ui.feedback import reporting_errors
from ui.format import local_time, md_escape, money
from ui.nav import link
from ui.session import guard

MAX_ID_DIGITS = 10
GALLERY_WIDTH = 320


def _car_id() -> int | None:
    raw = st.query_params.get("id", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= MAX_ID_DIGITS else None


def _reserve(lot: LotRow) -> str:
    if not lot.has_reserve:
        return "No reserve"
    return "Reserve met" if lot.reserve_met else "Reserve not met"


def _auction(detail: CarDetail, zone: str) -> None:
    lot, auction = detail.lot, detail.auction
    if lot is None or auction is None:
        st.info("This car is not in an auction right now.")
        return
    st.subheader(f"Lot {lot.number} in “{md_escape(auction.title)}” · {auction.phase.name.title()}")
    price, bids, reserve = st.columns(3)
    price.metric("Current price" if lot.current_price else "Starting price",
                 money(lot.current_price or lot.starting_price))
    bids.metric("Bids", lot.bid_count)
    reserve.metric("Reserve", _reserve(lot))
    st.markdown(f"Ends **{local_time(lot.ends_at, zone)}**"
                + (f" · Buy now for **{money(lot.buy_now_price)}**" if lot.buy_now_price else ""))
    link("pages/lot.py", "Open the lot to bid", "gavel", query={"id": str(lot.id)})


def _updates(detail: CarDetail, zone: str) -> None:
    for update in detail.updates:  # bidders may want to review their bids against the change
        st.warning(f"Updated after bidding started ({local_time(update.at, zone)}): "
                   f"{', '.join(update.fields)} changed.")


def _show(detail: CarDetail, zone: str) -> None:
    car = detail.car
    st.title(md_escape(catalog.car_title(car)))
    st.caption(f"Offered by **{md_escape(detail.store_name)}**, {md_escape(detail.store_city)}")
    if car.status == CarStatus.SOLD:
        st.info("This car has been sold.")
    car_takedown_panel(actor, car)
    pictures = [picture for key in car.photos if (picture := catalog.photo_bytes(key))]
    if pictures:
        st.image(pictures, width=GALLERY_WIDTH)
    _auction(detail, zone)
    _updates(detail, zone)
    st.subheader("Specification")
    values = {f.label: getattr(car, f.name) for f in CAR_FIELDS if f.name != "description"}
    spec = [{"": label, "Value": "—" if value in (None, "") else str(value)}
            for label, value in values.items()]
    st.dataframe(spec, hide_index=True, width="stretch")  # a dataframe shows text as text, never markdown
    if car.description:
        st.subheader("Description")
        st.markdown(md_escape(car.description))


actor = guard()
car_id = _car_id()
if car_id is None:
    st.error("This link does not name a car. Open one from the list of cars.")
else:
    detail = None
    with reporting_errors():
        detail = catalog.car_detail(actor, car_id)
    if detail is not None:
        _show(detail, actor.timezone)
link("pages/cars.py", "Back to all cars", "directions_car")
