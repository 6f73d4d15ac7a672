"""Figures and exports on the viewer's clock, on both stores: a sale at 20:00 UTC on 11 October is a
sale of 12 October in India, in the dashboards' buckets and in every export format."""

from __future__ import annotations

import csv
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from sqlmodel import select

from analytics import queries, reader
from analytics.copy.refresh import refresh_once
from analytics.files import FileFormat
from data.models import Sale, User
from data.uow import UnitOfWork
from domain.bidding import service
from domain.bidding.settlement import settle_lot
from domain.reporting.reports import Report, report_export
from domain.types import Role
from tests.support.factories import live_lot, make_dealer, make_user

EVENING_UTC = datetime(2026, 10, 11, 20, 0, tzinfo=UTC)  # 01:30 on 12 October in India
SPAN = (datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))


@pytest.fixture
def evening_sale(store: str, data_dir: Path) -> int:
    """One sale and one new account, both at EVENING_UTC; the copy built after."""
    dealer = make_dealer()
    lot = live_lot(dealer, closes_in=timedelta(minutes=2))
    service.bid_place(make_user(), lot_id=lot.id, maximum=Decimal(450_000), key=uuid.uuid4().hex)
    settle_lot(lot.id or 0, now=datetime.now(UTC) + timedelta(minutes=5))
    joined = make_user()
    with UnitOfWork() as uow:
        uow.session.exec(select(Sale)).one().sold_at = EVENING_UTC
        user = uow.session.get(User, joined.id)
        assert user is not None
        user.created_at = EVENING_UTC
        uow.commit()
    refresh_once()
    reader.preload()  # as the app's background refresher does; a report reads the copy in memory
    return dealer.dealer_id or 0


def test_buckets_are_calendar_days_of_the_viewers_zone(evening_sale: int) -> None:
    india = queries.dealer_earnings(evening_sale, *SPAN, period="day", tz="Asia/Kolkata")
    utc = queries.dealer_earnings(evening_sale, *SPAN, period="day", tz="UTC")
    assert str(india.period_start[0].date()) == "2026-10-12"
    assert str(utc.period_start[0].date()) == "2026-10-11"
    days = queries.registrations(*SPAN, period="day", tz="Asia/Kolkata")
    assert [str(d.date()) for d in days.period_start] == ["2026-10-12"]
    weeks = queries.registrations(*SPAN, period="week", tz="Asia/Kolkata")
    assert [str(d.date()) for d in weeks.period_start] == ["2026-10-12"]  # a Monday in India


def test_exports_carry_the_viewers_zone_in_every_format(evening_sale: int) -> None:
    analyst = make_user(Role.ANALYST)  # their zone: Asia/Kolkata, the default
    path = report_export(analyst, Report.SALES, FileFormat.CSV, start=SPAN[0], end=SPAN[1])
    with path.open(newline="", encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["sold_at (Asia/Kolkata)"] == "2026-10-12 01:30:00+05:30"

    path = report_export(analyst, Report.SALES, FileFormat.EXCEL, start=SPAN[0], end=SPAN[1])
    header, values = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    assert dict(zip(header, values, strict=True))["sold_at (Asia/Kolkata)"] == datetime(2026, 10, 12, 1, 30)

    path = report_export(analyst, Report.SALES, FileFormat.PARQUET, start=SPAN[0], end=SPAN[1])
    table = pq.read_table(path)
    assert table.schema.field("sold_at").type.tz == "Asia/Kolkata"
    assert table.column("sold_at")[0].as_py() == EVENING_UTC  # the same instant

    path = report_export(analyst, Report.DEALER_STATEMENTS, FileFormat.CSV, start=SPAN[0], end=SPAN[1])
    with path.open(newline="", encoding="utf-8") as handle:
        (statement,) = list(csv.DictReader(handle))
    assert statement["month"] == "2026-10-01"
