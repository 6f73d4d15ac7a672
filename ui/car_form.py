"""The car form's widgets, generated from `domain.inventory.rules.CAR_FIELDS` so the form, the Excel template
and the rules can never disagree about a field."""

from __future__ import annotations

from typing import Any

import streamlit as st

from domain.inventory.rules import CAR_FIELDS, CarField


def car_inputs(prefix: str, current: dict[str, Any] | None = None, *,
               only: set[str] | None = None) -> dict[str, Any]:
    """Render one input per field (inside the caller's form) and return the raw values."""
    current = current or {}
    values: dict[str, Any] = {}
    columns = st.columns(3)
    shown = [field for field in CAR_FIELDS if only is None or field.name in only]
    for index, field in enumerate(shown):
        with columns[index % 3] if field.name != "description" else st.container():
            values[field.name] = _input(field, current.get(field.name), key=f"{prefix}_{field.name}")
    return values


def _input(field: CarField, value: Any, *, key: str) -> Any:
    label = field.label + ("" if field.required else " (optional)")
    if field.kind == "choice":
        assert field.choices is not None
        options = [choice.value for choice in field.choices]
        index = options.index(value) if value in options else 0
        return st.selectbox(label, options, index=index, key=key, help=field.hint or None)
    if field.kind == "int":
        return st.number_input(label, value=value, step=1, format="%d", key=key, help=field.hint or None,
                               placeholder=field.hint or None)
    if field.name == "description":
        return st.text_area(label, value=value or "", max_chars=field.max_len, key=key)
    return st.text_input(label, value=value or "", max_chars=field.max_len or 17, key=key,
                         help=field.hint or None)
