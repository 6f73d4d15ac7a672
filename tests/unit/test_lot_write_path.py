"""One write path per lot state: only data/lot_store.py updates a lot (tests/integration/test_lot_writes.py
shows what it adds to every change). Read from the source, so a second path fails here before review.
demo/ builds past lots as new rows (never changing a live one) and is left out."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OWNER = "data/lot_store.py"
LOT_STATE = {"current_price", "leader_id", "leader_max", "bid_count", "bidder_count", "ends_at", "extended",
             "outcome", "settled_at", "decision", "decision_due_at", "changed_after_bids_at", "version"}
FOLDERS = ("analytics", "api", "data", "domain", "ops", "pages", "ui")


def lot_writes(source: str) -> list[str]:
    """`update(Lot)` / `update(_lots)` calls, and assignments to a lot's state attributes."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "update"
                and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id in {"Lot", "_lots"}):
            found.append(f"line {node.lineno}: update({node.args[0].id})")
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AugAssign) else [])
        for target in targets:
            for leaf in target.elts if isinstance(target, ast.Tuple) else [target]:
                if (isinstance(leaf, ast.Attribute) and leaf.attr in LOT_STATE
                        and isinstance(leaf.value, ast.Name) and "lot" in leaf.value.id.lower()):
                    found.append(f"line {node.lineno}: {leaf.value.id}.{leaf.attr} =")
    return sorted(found)


def test_only_the_lot_store_writes_a_lots_state() -> None:
    offenders = {}
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            name = str(path.relative_to(ROOT))
            if name != OWNER and "migrations" not in path.parts:
                found = lot_writes(path.read_text(encoding="utf-8"))
                if found:
                    offenders[name] = found
    assert offenders == {}


def test_the_rule_sees_both_kinds_of_write() -> None:
    source = "update(Lot).values(version=1)\nlot.outcome, lot.version = 'sold', 2\nlot.bid_count += 1\n"
    assert lot_writes(source) == ["line 1: update(Lot)", "line 2: lot.outcome =", "line 2: lot.version =",
                                  "line 3: lot.bid_count ="]
