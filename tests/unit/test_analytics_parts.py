"""Pure parts of analytics: the audit-log safety marks, the SQL for PostgreSQL, the figures."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from analytics import figures
from analytics.copy.audit_marks import advance
from analytics.sqlfiles import names, postgres_text


def test_audit_safe_moves_only_when_a_later_mark_is_below_the_horizon() -> None:
    # marks: [last id handed out, next transaction id]; horizon: oldest running transaction
    assert advance(0, [[10, 100]], 500) == (0, [[10, 100]])  # one mark proves nothing yet
    assert advance(0, [[10, 100], [20, 200]], 150) == (0, [[10, 100], [20, 200]])
    assert advance(0, [[10, 100], [20, 200]], 200) == (10, [[20, 200]])
    assert advance(5, [[10, 100], [20, 200], [30, 300]], 400) == (20, [[30, 300]])


def test_every_query_has_postgres_text() -> None:
    assert "dealer_summary" in names() and "export_bids" in names()
    text = postgres_text("dealer_summary")
    assert "%(dealer_id)s" in text and "$" not in text


def test_figures_build_from_frames() -> None:
    t = datetime(2025, 1, 1, tzinfo=UTC)
    frames = {
        figures.earnings_over_time: pd.DataFrame({"period_start": [t], "earnings": [1.0], "sales": [1]}),
        figures.price_curve: pd.DataFrame({"placed_at": [t], "price": [300000.0]}),
        figures.top_models: pd.DataFrame({"make": ["Tata"], "model": ["Nexon"], "sold": [2],
                                            "total_hammer": [900000.0]}),
        figures.bid_hours: pd.DataFrame({"hour": list(range(24)), "bids": [0] * 24}),
        figures.bids_per_hour: pd.DataFrame({"hour": [t], "bids": [3]}),
        figures.top_dealers: pd.DataFrame({"store_name": ["Dev Motors"], "gmv": [1.0], "sales": [1]}),
        figures.registrations: pd.DataFrame({"period_start": [t], "registrations": [4]}),
    }
    for build, frame in frames.items():
        assert build(frame).data, build.__name__
