"""On a car's page: why it is taken down (for its dealer and admins), and an admin's takedown or restore."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from domain.inventory.views import CarView
from domain.oversight.takedown import car_restore, car_takedown, takedown_reason
from domain.permissions import Action, Actor, can
from domain.types import CarStatus
from ui.feedback import reporting_errors
from ui.format import md_escape


def car_takedown_panel(actor: Actor, car: CarView) -> None:
    car_id = car.id or 0
    if car.status == CarStatus.FROZEN:
        st.error(f"Taken down by an admin: {md_escape(takedown_reason(actor, car_id) or 'no reason given')}. "
                 "It cannot be listed until its dealer edits it or an admin restores it.")
    if not can(actor, Action.TAKE_DOWN_LISTINGS) or car.status not in (CarStatus.AVAILABLE, CarStatus.FROZEN):
        return
    with st.expander("Take down or restore (admin)"):
        if car.status == CarStatus.FROZEN:
            note = st.text_input("Note (recorded in the audit log)", key="car_restore_note", max_chars=300)
            if st.button("Restore car", key="car_restore_go"):
                _act(lambda: car_restore(actor, car_id, note=note))
            return
        st.caption("The car is frozen; if it is in an auction, its lot is taken down: bids voided, "
                   "bidders, watchers and the dealer told.")
        reason = st.text_input("Reason (shown to everyone told)", key="car_takedown_reason", max_chars=300)
        if st.button("Take down car", key="car_takedown_go", type="primary"):
            _act(lambda: car_takedown(actor, car_id, reason=reason))


def _act(action: Callable[[], None]) -> None:
    with reporting_errors():
        action()
        st.rerun()
