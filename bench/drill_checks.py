"""What a restored store must hold, compared with what the drill's bidders were told (bench/restore_drill.py).

Acknowledgement times stand in for commit times: a bid is acknowledged just after its commit. Where a
backup's cut falls between a commit and its acknowledgement, a second of slack keeps the check honest
without inventing mismatches (the PostgreSQL marker needs none: bidding pauses around it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from bench.drill_bidding import Ledger, Market, bids_since, money_totals, replay_mismatches
from ops.media_backup import photos_missing

SLACK_S = 1.0


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    count: int = 0  # every missing bid, extra bid, wrong lot or missing photo is one

    def add(self, what: str, items: set[int] | list[str] | list[tuple[int, str]]) -> None:
        found = sorted(items) if isinstance(items, set) else list(items)
        self.count += len(found)
        if found:
            self.problems.append(f"{what}: {len(found)} ({found[:5]}{' ...' if len(found) > 5 else ''})")


def check_cut(engine: Engine, ledger: Ledger, first_bid: int, *, present_before: float, absent_after: float,
              restarted: int, findings: Findings) -> None:
    """A restore to a point: every bid acknowledged before it is there, none acknowledged after it,
    and no bid nobody was told about."""
    present = bids_since(engine, first_bid) - {restarted}
    must = {b for b, at in ledger.acked.items() if at <= present_before}
    must_not = {b for b, at in ledger.acked.items() if at > absent_after}
    findings.add("bids acknowledged before the restore point but missing", must - present)
    findings.add("bids acknowledged after the restore point but present", present & must_not)
    findings.add("bids present that no bidder was told about", present - set(ledger.acked))
    print(f"checked: {len(must)} bids that must be there, {len(must_not)} that must not", flush=True)


def check_latest(engine: Engine, ledger: Ledger, first_bid: int, *, restarted: int,
                 findings: Findings) -> float:
    """The latest restore holds an unbroken prefix of the acknowledged bids; returns the seconds of
    acknowledged bidding it lost (the recovery point)."""
    present = bids_since(engine, first_bid) - {restarted}
    kept = [at for b, at in ledger.acked.items() if b in present]
    newest = max(kept, default=min(ledger.acked.values()))
    findings.add("bids missing from the middle of the restored history",
                 {b for b, at in ledger.acked.items() if at < newest - SLACK_S and b not in present})
    return max(ledger.acked.values()) - newest


def check_store(engine: Engine, market: Market, media_dir: Path, findings: Findings) -> None:
    findings.add("lots whose price differs from a replay of their bids",
                 replay_mismatches(engine, market.lots))
    findings.add("photos referenced by cars but missing on disk", photos_missing(engine, media_dir))


def check_money(engine: Engine, expected: tuple[object, ...], findings: Findings) -> None:
    got = money_totals(engine)
    if got != expected:
        findings.count += 1
        findings.problems.append(f"sales and money totals: restored {got}, original {expected}")
