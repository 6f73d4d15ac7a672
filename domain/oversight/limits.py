"""The marketplace's rate limits, the same for the pages and the API: bids per user per minute,
registrations per address per hour, reports per user per hour.

Each is a moving window, exact: a hit is let through when fewer than `limit` hits were let through in
the `window` before it (see `admit` for hits dated after it). The window's hits are kept where every
process sees them (data/rate_windows.py: Redis, else one locked row in the store), at most `limit` of
them and none older than two windows, so the record stays small. A refused hit is not counted and
changes nothing; the error says when the next one will be let through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from data.rate_windows import Hits, window_hit
from data.settings import get_settings
from data.types import utcnow
from domain.errors import RateLimited
from domain.permissions import Actor

MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)


@dataclass(frozen=True)
class Limit:
    scope: str
    limit: int
    window: timedelta
    refusal: str  # the message, with {limit} and {seconds}


def admit(hits: Hits, now: float, limit: int, window: float) -> Hits | None:
    """The hits to keep with one at `now` added, or None when `limit` hits already lie within `window`
    seconds of `now`. Within, on both sides: a process whose clock runs a little behind still counts
    the hits of the others, while a caller replaying the past (seeding, with `now` days back) is not
    refused for the hits of another day."""
    if len(_near(hits, now, window)) >= limit:
        return None
    # Hits more than two windows old matter to no one (one window, plus one for a clock running behind):
    # dropped, so a generous limit keeps a few minutes of hits, not `limit` of them forever.
    return sorted([hit for hit in hits if hit > now - 2 * window] + [now])[-limit:]


def retry_after(hits: Hits, now: float, limit: int, window: float) -> int:
    """Whole seconds until a refused caller's next hit would be let through (at least one)."""
    near = _near(hits, now, window)
    leaving = near[len(near) - limit] if len(near) >= limit else now - window
    return max(1, int(leaving + window - now + 0.999))


def _near(hits: Hits, now: float, window: float) -> Hits:
    return sorted(hit for hit in hits if abs(hit - now) < window)


def hit(rule: Limit, key: str, now: datetime | None = None) -> None:
    """Count one hit of `key` against `rule`, or raise RateLimited (nothing counted). Without `now`, the
    moment is read once the window is locked, so hits are recorded in the order they were decided."""
    window = rule.window.total_seconds()
    seen: list[tuple[Hits, float]] = []

    def decide(hits: Hits) -> Hits | None:
        moment = (now or utcnow()).timestamp()
        seen.append((hits, moment))
        return admit(hits, moment, rule.limit, window)

    if not window_hit(rule.scope, key, decide, expire_s=window):
        hits, moment = seen[-1]
        seconds = retry_after(hits, moment, rule.limit, window)
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
