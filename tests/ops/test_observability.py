"""The alert rules load in Prometheus's own checker, fire when they should, and name only metrics
our processes export; the worker's gauges read the store."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from prometheus_client import REGISTRY

import api.metrics  # noqa: F401 — registers the API's metrics
import ops.app_metrics  # noqa: F401 — registers the app processes' metrics
from ops import metrics
from tests.support.factories import live_lot

RULES = Path(__file__).resolve().parents[2] / "ops" / "prometheus" / "alerts.yml"
EXTERNAL = {"up"}  # Prometheus's own
PROMQL_WORDS = {"sum", "rate", "by", "le", "max", "min", "histogram_quantile", "clamp_min", "time", "or",
                "absent", "instance", "status", "job", "and", "on"}


def _rules() -> list[dict[str, object]]:
    return [rule for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]]


def _exported() -> set[str]:
    names = set()
    for family in REGISTRY.collect():
        names |= {sample.name for sample in family.samples} | {family.name}
        if family.type == "counter":
            names.add(f"{family.name}_total")
        if family.type == "histogram":
            names |= {f"{family.name}_{suffix}" for suffix in ("bucket", "sum", "count")}
    return names


def test_every_alert_has_a_name_an_expression_and_a_summary() -> None:
    rules = _rules()
    assert {r["alert"] for r in rules} >= {"HighErrorRate", "SlowApiP95", "SettlementLagging", "BackupTooOld",
                                        "WalArchiveLagging"}
    for rule in rules:
        assert rule["expr"] and rule["for"] and rule["annotations"]["summary"]  # type: ignore[index]


def test_the_rules_name_only_metrics_we_export() -> None:
    exported = _exported() | EXTERNAL
    for rule in _rules():
        expr = re.sub(r"\{[^}]*\}|\[[^]]*\]|\"[^\"]*\"", "", str(rule["expr"]))
        words = set(re.findall(r"(?<![0-9.])[a-z_][a-z0-9_]*", expr)) - PROMQL_WORDS
        assert words <= exported, f"{rule['alert']} names metrics nobody exports: {words - exported}"


@pytest.fixture
def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.skip("promtool is not installed (apt-get install prometheus); the structure is checked above")
    return found


def test_promtool_accepts_the_rules(promtool: str) -> None:
    checked = subprocess.run([promtool, "check", "rules", str(RULES)],
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_settlement_lag_pages_after_two_minutes(promtool: str, tmp_path: Path) -> None:
    tests = {"rule_files": [str(RULES)], "evaluation_interval": "1m", "tests": [{
        "interval": "1m",
        "input_series": [{"series": 'auction_settlement_lag_seconds{instance="worker"}',
                          "values": "0 0 45 105 165 225"}],
        "alert_rule_test": [
            {"eval_time": "3m", "alertname": "SettlementLagging", "exp_alerts": []},
            {"eval_time": "5m", "alertname": "SettlementLagging", "exp_alerts": [{
                "exp_labels": {"severity": "page"},
                "exp_annotations": {
                    "summary": "A lot ended 3m 45s ago and is not settled: is a worker running?"},
            }]},
        ]}]}
    (tmp_path / "tests.yml").write_text(yaml.safe_dump(tests))
    ran = subprocess.run([promtool, "test", "rules", str(tmp_path / "tests.yml")],
                         capture_output=True, text=True, check=False)
    assert ran.returncode == 0, ran.stdout + ran.stderr


def test_the_worker_reports_how_late_settlement_runs(store: str) -> None:
    live_lot(closes_in=timedelta(seconds=-90))  # ended a minute and a half ago, nobody settled it
    metrics.record_round({"settled": 0})
    assert REGISTRY.get_sample_value("auction_settlement_lag_seconds") >= 90
    from domain.bidding.worker import run_once

    run_once(analytics=False)
    metrics.record_round({"settled": 1})
    assert REGISTRY.get_sample_value("auction_settlement_lag_seconds") == 0
