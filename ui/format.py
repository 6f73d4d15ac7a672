"""Money and times as the user reads them: the currency's symbol and grouping, their time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from domain.formatting import LOCALES, money  # one money format for domain messages and pages

__all__ = ["LOCALES", "MARKDOWN_SPECIALS", "local_time", "md_escape", "money"]


def local_time(moment: datetime | None, zone: str, *, with_zone: bool = True) -> str:
    if moment is None:
        return "—"
    local = moment.astimezone(ZoneInfo(zone))
    return local.strftime("%d %b %Y, %H:%M") + (f" {local.tzname()}" if with_zone else "")


MARKDOWN_SPECIALS = "\\`*_{}[]()<>#+-.!|~"


def md_escape(text: str) -> str:
    """User text inside st.markdown: shown literally, never as links, images or HTML."""
    return "".join(f"\\{ch}" if ch in MARKDOWN_SPECIALS else ch for ch in text)
