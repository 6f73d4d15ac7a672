"""Relations for file exports: streamed, never loaded into pandas.

Each function returns a `duckdb.DuckDBPyRelation` on its own cursor. Stream it with
`rel.to_arrow_reader(batch_size)` (pyarrow RecordBatches), or write it directly with
`rel.write_csv(path)` / `rel.write_parquet(path)`; an Excel writer should iterate the batches.
Money is DECIMAL(18, 2) rupees; times are zoned instants (`analytics.files` writes them in the
reader's zone); ranges are [start, end).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import duckdb

from analytics.reader import connect
from analytics.sqlfiles import sql_text
from data.settings import get_settings


def _relation(name: str, **params: Any) -> duckdb.DuckDBPyRelation:
    return connect().sql(sql_text(name), params=params)


def export_sales(start: datetime, end: datetime) -> duckdb.DuckDBPyRelation:
    """export_sales(start, end) -> relation: sale_id, sold_at, lot, auction, dealer, car and money."""
    return _relation("export_sales", start=start, end=end)


def export_bids(start: datetime, end: datetime, pseudonymise: bool = True,
                secret: str | None = None) -> duckdb.DuckDBPyRelation:
    """export_bids(start, end, pseudonymise=True) -> relation: bid_id, placed_at, lot_id, auction_id,
    bidder (sha256(secret || id)[:10] hex, stable across exports), max_amount (only without
    pseudonyms), price_after, status, status_reason. The secret defaults to one derived from
    COOKIE_KEY, so pseudonyms cannot be reversed by hashing every id."""
    return _relation("export_bids", start=start, end=end, pseudonymise=pseudonymise,
                     secret=secret if secret is not None else pseudonym_secret())


def export_dealer_statements(start: datetime, end: datetime, tz: str = "UTC") -> duckdb.DuckDBPyRelation:
    """export_dealer_statements(start, end, tz) -> relation: dealer_id, store_name, month (a calendar
    month of `tz`), sales, hammer, buyer_premium, seller_fees, dealer_earnings, platform_revenue."""
    return _relation("export_dealer_statements", start=start, end=end, tz=tz)


def export_audit(start: datetime, end: datetime) -> duckdb.DuckDBPyRelation:
    """export_audit(start, end) -> relation: id, at, actor_id, action, entity, entity_id, before, after."""
    return _relation("export_audit", start=start, end=end)


def pseudonym_secret() -> str:
    key = get_settings().cookie_key or ""
    return hashlib.sha256(f"bid-export-pseudonyms:{key}".encode()).hexdigest()
