"""Money and times as the user reads them: the currency's symbol and grouping, their time zone. Money
and period names come from `domain.formatting` (analytics' figures use them too, and sit below `ui/`)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

# one money format for domain messages, pages and analytics' figures
from domain.formatting import LOCALES, money, money_short, period_label

__all__ = ["LOCALES", "MARKDOWN_SPECIALS", "local_time", "md_escape", "money", "money_short", "period_label"]


def local_time(moment: datetime | None, zone: str, *, with_zone: bool = True) -> str:
    if moment is None:
        return "—"
    local = moment.astimezone(ZoneInfo(zone))
    return local.strftime("%d %b %Y, %H:%M") + (f" {local.tzname()}" if with_zone else "")


def age(moment: datetime, now: datetime) -> str:
    """How long ago, in words that fit a caption: "12 s ago", "3 min ago", "2 h ago"."""
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return f"{seconds} s ago"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago" if seconds < 86400 else f"{seconds // 86400} days ago"


MARKDOWN_SPECIALS = "\\`*_{}[]()<>#+-.!|~"


def md_escape(text: str) -> str:
    """User text inside st.markdown: shown literally, never as links, images or HTML."""
    return "".join(f"\\{ch}" if ch in MARKDOWN_SPECIALS else ch for ch in text)
