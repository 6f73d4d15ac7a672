"""My cars (FR6, FR8, FR9): list the store's cars, add one with photos, edit or remove one."""

import streamlit as st

from domain.inventory import cars, catalog
from domain.inventory.photos import MAX_PHOTOS
from domain.permissions import Action
from ui.car_form import car_inputs
from ui.feedback import reporting_errors
from ui.format import money
from ui.session import guard

PHOTO_TYPES = ["jpg", "jpeg", "png", "webp"]

actor = guard(Action.MANAGE_OWN_STORE)
st.title("My cars")
if actor.dealer_id is None or not actor.dealer_verified:
    st.info("Your store must be verified before you can list cars.")
    st.stop()

own = catalog.car_browse_own(actor, actor.dealer_id, limit=100)
st.dataframe(
    [{"id": c.id, "car": c.title, "VIN": c.vin, "status": c.status,
      "in auction at": money(c.price) if c.price else "—"} for c in own.items],
    hide_index=True, width="stretch",
)
add_tab, edit_tab = st.tabs(["Add a car", "Edit or remove"])

with add_tab, st.form("car_add", clear_on_submit=False):
    fields = car_inputs("add")
    photos = st.file_uploader(f"Photos (JPEG, PNG or WebP, up to {MAX_PHOTOS})", type=PHOTO_TYPES,
                              accept_multiple_files=True, key="add_photos")
    if st.form_submit_button("Add car", type="primary"):
        with reporting_errors():
            car = cars.car_create(actor, actor.dealer_id, fields,
                                  photos=[(p.name, p.getvalue()) for p in photos or []])
            st.success(f"Listed {car.year} {car.make} {car.model} ({car.vin}).")

with edit_tab:
    choices = {f"{c.title} · {c.vin}": c.id for c in own.items}
    picked = st.selectbox("Car", list(choices), key="edit_pick")
    if picked:
        detail = catalog.car_detail(actor, choices[picked])
        with st.form("car_edit"):
            changes = car_inputs("edit", cars.car_snapshot(detail.car))
            remove = st.multiselect("Remove photos", detail.car.photos, key="edit_remove",
                                    format_func=lambda key: f"photo {detail.car.photos.index(key) + 1}")
            more = st.file_uploader("Add photos", type=PHOTO_TYPES,
                                    accept_multiple_files=True, key="edit_photos")
            if st.form_submit_button("Save changes", type="primary"):
                with reporting_errors():
                    cars.car_update(actor, detail.car.id or 0, changes, remove_photos=remove,
                                    add_photos=[(p.name, p.getvalue()) for p in more or []])
                    st.success("Saved.")
        if st.button("Remove this car", key="edit_delete"):
            with reporting_errors():
                cars.car_delete(actor, detail.car.id or 0)
                st.success("Removed.")
