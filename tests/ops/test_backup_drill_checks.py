"""The restore drill's checks find what they look for: a drill whose checks always pass proves nothing."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import text

from bench.drill_bidding import Ledger, Market
from bench.drill_checks import Findings, check_cut, check_latest, check_store
from data.db import get_engine
from domain.bidding.service import bid_place
from tests.support.factories import live_lot, make_user


def _three_bids() -> tuple[int, list[int]]:
    lot = live_lot(reserve=None, buy_now=None)
    bidders = [make_user(), make_user()]
    ids = [bid_place(bidders[n % 2], lot_id=lot.id or 0, maximum=str(300_000 + 50_000 * n),
                     key=uuid.uuid4().hex).bid_id for n in range(3)]
    return lot.id or 0, ids


def test_a_restore_cut_counts_missing_late_and_unknown_bids(store: str) -> None:
    _, (first, second, third) = _three_bids()
    ledger = Ledger(acked={first: 1.0, second: 2.0, third: 3.0, 10**9: 2.2})  # 10**9 was "lost"
    findings = Findings()
    check_cut(get_engine(), ledger, first, present_before=2.5, absent_after=2.5, restarted=-1,
              findings=findings)
    assert findings.count == 2  # the lost bid is missing; the third came after the cut yet is there
    clean = Findings()
    check_cut(get_engine(), Ledger(acked={first: 1.0, second: 2.0}), first, present_before=2.5,
              absent_after=2.5, restarted=third, findings=clean)
    assert clean.count == 0


def test_the_latest_restore_must_hold_an_unbroken_run_and_reports_what_it_lost(store: str) -> None:
    _, (first, second, third) = _three_bids()
    findings = Findings()
    told = {first: 1.0, 10**9: 2.0, second: 5.0, third: 6.0, 10**9 + 1: 9.5}
    lost = check_latest(get_engine(), Ledger(acked=told), first, restarted=-1, findings=findings)
    assert lost == 3.5 and findings.count == 1  # the hole at 2.0 counts; the tail after 6.0 is the loss


def test_a_lot_that_differs_from_its_bids_replay_is_a_mismatch(store: str, tmp_path: Path) -> None:
    lot_id, _ = _three_bids()
    market = Market(lots=[lot_id], buy_now_lots=[], spare=[], bidders=[])
    findings = Findings()
    check_store(get_engine(), market, tmp_path, findings)
    assert findings.count == 0
    with get_engine().begin() as conn:
        conn.execute(text("UPDATE lots SET current_price = current_price + 100 WHERE id = :id"),
                     {"id": lot_id})
    check_store(get_engine(), market, tmp_path, findings)
    assert findings.count == 1
