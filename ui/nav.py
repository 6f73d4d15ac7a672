"""Links between pages that degrade gracefully when a page runs without the frame."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException


def link(page: str, label: str, icon: str, *, query: dict[str, str] | None = None) -> None:
    """A page link; outside the frame's navigation (a page run on its own) there is nothing to link."""
    try:
        st.page_link(page, label=label, icon=f":material/{icon}:", query_params=query)
    except StreamlitAPIException:
        st.caption(label)
