"""Domain errors shown as messages: a page wraps its service call in `reporting_errors()`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from domain.errors import DomainError, ValidationFailed


@contextmanager
def reporting_errors() -> Iterator[None]:
    """Turn a refused action into a message that says what to fix; nothing else is shown."""
    try:
        yield
    except DomainError as error:
        st.error(describe(error))


def describe(error: DomainError) -> str:
    if isinstance(error, ValidationFailed):
        lines = "\n".join(f"- **{field.capitalize()}**: {message}"
                          for field, message in error.problems.items())
        return f"Please fix the following and try again:\n{lines}"
    return str(error)
