"""Who may see which analytics, and the one place pages ask for them (FR23 and the platform metrics).

A dealer sees only their own store's figures, an admin the platform's, an analyst (or an admin)
exports reports; bidders are pseudonymised in bid exports unless an admin asks. The numbers come from
the DuckDB copy (`analytics/`) this process already holds: a read never waits for a refresh or a load
(the background refresher, `analytics.background`, keeps it fresh); until the first load is done, a
read raises `FiguresPreparing`, and pages say so.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

import pandas as pd

from analytics import exports, queries, reader
from analytics.files import FileFormat, write_report
from analytics.health import settlement_health
from data.types import utcnow
from domain.errors import ValidationFailed
from domain.permissions import Action, Actor, require, require_store_owner

MAX_RANGE_DAYS = 3660


class FiguresPreparing(Exception):  # a state the page shows, not a failure
    """This process has no copy of the figures in memory yet; it is loading in the background."""


class Report(StrEnum):
    SALES = "sales"
    BIDS = "bids"
    DEALER_STATEMENTS = "dealer_statements"
    AUDIT = "audit"


@dataclass(frozen=True)
class DealerDashboard:
    summary: pd.DataFrame
    earnings: pd.DataFrame
    top_models: pd.DataFrame
    bid_hours: pd.DataFrame
    lots: pd.DataFrame
    fresh_at: datetime | None


@dataclass(frozen=True)
class PlatformDashboard:
    summary: pd.DataFrame
    users: pd.DataFrame
    bids_per_hour: pd.DataFrame
    top_dealers: pd.DataFrame
    registrations: pd.DataFrame
    overdue_lots: pd.DataFrame
    fresh_at: datetime | None


@contextmanager
def _last_copy() -> Iterator[None]:
    """Reads from the copy in memory, whatever its age; `FiguresPreparing` while there is none. A read
    never refreshes, loads or starts anything: the app's refresher thread (`analytics.background`,
    started with the server) or the stack's refresher process keeps the copy fresh."""
    try:
        with reader.without_loading():
            yield
    except (reader.CopyNotReady, reader.CopyMissing) as error:
        raise FiguresPreparing("Preparing the figures, ready in a few seconds.") from error


def figures_ready() -> bool:
    """Whether this process holds a copy of the figures (pages wait for it without blocking)."""
    return reader.loaded() is not None


def _fresh_at() -> datetime | None:
    copy = reader.loaded()
    return datetime.fromisoformat(copy.refreshed_at) if copy else None


def _check_range(start: datetime, end: datetime) -> None:
    if end <= start:
        raise ValidationFailed({"dates": "The end date must be after the start date."})
    if (end - start).days > MAX_RANGE_DAYS:
        raise ValidationFailed({"dates": "Pick a range of at most ten years."})


def dealer_dashboard(actor: Actor, dealer_id: int, start: datetime, end: datetime, *,
                     period: str = "week", zone: str = "Asia/Kolkata") -> DealerDashboard:
    if not actor.is_admin:
        require(actor, Action.VIEW_OWN_SALES)
    require_store_owner(actor, dealer_id)
    _check_range(start, end)
    with _last_copy():
        return DealerDashboard(
            queries.dealer_summary(dealer_id, start, end),
            queries.dealer_earnings(dealer_id, start, end, "month" if period == "month" else "week", zone),
            queries.dealer_top_models(dealer_id, start, end),
            queries.dealer_bid_hours(dealer_id, start, end, zone),
            queries.dealer_lots(dealer_id, start, end), _fresh_at())


def dealer_lot_curve(actor: Actor, dealer_id: int, lot_id: int, lots: pd.DataFrame) -> pd.DataFrame:
    """A lot's price over its bids, only for a lot of this dealer's (as listed in their dashboard)."""
    require_store_owner(actor, dealer_id)
    if lot_id not in set(lots["lot_id"]):
        raise ValidationFailed({"lot": "Pick one of your lots."})
    with _last_copy():
        return queries.lot_price_curve(dealer_id, lot_id)


def platform_dashboard(actor: Actor, start: datetime, end: datetime, *,
                       zone: str = "Asia/Kolkata") -> PlatformDashboard:
    require(actor, Action.VIEW_PLATFORM_METRICS)
    _check_range(start, end)
    now = utcnow()
    with _last_copy():
        return PlatformDashboard(
            queries.platform_summary(start, end), queries.users_by_role(now),
            queries.bids_per_hour(start, end), queries.top_dealers(start, end),
            queries.registrations(start, end, tz=zone), settlement_health(now), _fresh_at())


def report_export(actor: Actor, report: Report, fmt: FileFormat, *, start: datetime, end: datetime,
                  progress: Callable[[int], None] | None = None) -> Path:
    """Write a report to a temporary file and return its path (the caller streams and removes it).
    Times are written in the actor's zone, and each time column says which (`analytics.files`)."""
    require(actor, Action.EXPORT_REPORTS)
    _check_range(start, end)
    with _last_copy():
        relation = {
            Report.SALES: lambda: exports.export_sales(start, end),
            Report.BIDS: lambda: exports.export_bids(start, end, pseudonymise=not actor.is_admin),
            Report.DEALER_STATEMENTS: lambda: exports.export_dealer_statements(start, end, actor.timezone),
            Report.AUDIT: lambda: exports.export_audit(start, end),
        }[report]()
    handle = tempfile.NamedTemporaryFile(prefix=f"{report}-", suffix=f".{fmt}", delete=False)  # noqa: SIM115
    handle.close()
    path = Path(handle.name)
    write_report(relation, fmt, path, progress, zone=actor.timezone)
    return path
