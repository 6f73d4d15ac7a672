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
    except ValidationFailed as failure:
        lines = "\n".join(f"- **{field.capitalize()}**: {message}"
                          for field, message in failure.problems.items())
        st.error(f"Please fix the following and try again:\n{lines}")
    except DomainError as error:
        st.error(str(error))
