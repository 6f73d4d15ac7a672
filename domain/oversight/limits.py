"""The marketplace's rate limits, the same for the pages and the API: bids per user per minute,
registrations per address per hour, reports per user per hour.

Each is a moving window, exact: a hit is let through when fewer than `limit` hits were let through in
the `window` before it (data/rate_windows.py `admit`, which also counts hits dated after it). The
window's hits are kept where every process sees them (Redis, else one locked row in the store), at most
`limit` of them and none older than two windows, so the record stays small. A refused hit is not
counted and changes nothing; the error says when the next one will be let through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from data.rate_windows import Hits, window_hit
from data.settings import get_settings
from domain.errors import RateLimited
from domain.permissions import Actor

MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)


@dataclass(frozen=True)
class Limit:
    scope: str
    limit: int
    window: timedelta
    refusal: str  # the message, with {limit} and {seconds}


def retry_after(near: Hits, now: float, limit: int, window: float) -> int:
    """Whole seconds until a refused caller's next hit would be let through (at least one), given the
    hits within a window of `now` (data.rate_windows.near), oldest first."""
    leaving = near[len(near) - limit] if len(near) >= limit else now - window
    return max(1, int(leaving + window - now + 0.999))


def hit(rule: Limit, key: str, now: datetime | None = None) -> None:
    """Count one hit of `key` against `rule`, or raise RateLimited (nothing counted). Without `now`, the
    moment is read as the window is decided."""
    window = rule.window.total_seconds()
    refused = window_hit(rule.scope, key, limit=rule.limit, window=window,
                         at=None if now is None else now.timestamp())
    if refused is not None:
        seconds = retry_after(refused.near, refused.at, rule.limit, window)
        raise RateLimited(rule.refusal.format(limit=rule.limit, seconds=seconds), retry_after=seconds)


def check_bid(actor: Actor, now: datetime | None = None) -> None:
    """A bid or a buy-now by `actor`: at most BIDS_PER_USER_PER_MINUTE."""
    rule = Limit("bids", get_settings().bids_per_user_per_minute, MINUTE,
                 "You have placed {limit} bids in the last minute, the most allowed: "
                 "try again in {seconds} seconds. Nothing was placed.")
    hit(rule, str(actor.id), now)


def check_registration(address: str, now: datetime | None = None) -> None:
    """A new account from `address`: at most REGISTRATIONS_PER_ADDRESS_PER_HOUR."""
    rule = Limit("registrations", get_settings().registrations_per_address_per_hour, HOUR,
                 "{limit} accounts were created from your network in the last hour, the most allowed: "
                 "try again in {seconds} seconds. No account was created.")
    hit(rule, address[:64], now)


def check_report(actor: Actor, now: datetime | None = None) -> None:
    """A report filed by `actor`: at most REPORTS_PER_USER_PER_HOUR."""
    rule = Limit("reports", get_settings().reports_per_user_per_hour, HOUR,
                 "You have filed {limit} reports in the last hour, the most allowed: "
                 "try again in {seconds} seconds. This report was not filed.")
    hit(rule, str(actor.id), now)
