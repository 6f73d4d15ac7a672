"""The systemd units, Dockerfile and compose.yaml (untested on these machines, which run neither)
say what the stack definition says: a unit per process of ops/stack.py with its exact command, and
only settings the stack or the app reads."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import yaml

from data.settings import Settings
from ops import export
from ops.settings import StackSettings
from ops.stack import SHARED_ENV_KEYS, programs

ROOT = Path(__file__).resolve().parents[2]
KNOWN_SETTINGS = {name.upper() for name in (*StackSettings.model_fields, *Settings.model_fields)}
API_SETTINGS = {"REDIS_URL", "API_WORKERS"}


def test_the_committed_units_are_the_ones_the_stack_definition_writes() -> None:
    committed = {path.name: path.read_text() for path in export.DEPLOY.iterdir()}
    assert committed == export.units(), "run `python -m ops.export` and commit deploy/systemd/"


def test_there_is_a_unit_for_every_process_and_each_parses() -> None:
    names = {f"autogavel-{p.name}.service" for p in programs(export.HOST, as_root=False)}
    assert names <= set(export.units())
    for name, text in export.units().items():
        unit = configparser.ConfigParser(strict=False, interpolation=None)
        unit.read_string(text)
        assert "Unit" in unit, name
        if name.endswith(".service"):
            assert unit["Service"]["ExecStart"] and unit["Service"]["User"] != "root", name
    target = export.units()["autogavel.target"]
    assert all(name in target for name in names)


def test_the_image_runs_the_stack_as_a_pinned_non_root_image_with_a_health_check() -> None:
    docker = (ROOT / "Dockerfile").read_text()
    base = re.search(r"^FROM (\S+)", docker, re.MULTILINE)
    assert base and re.fullmatch(r"python:\d+\.\d+\.\d+-slim-bookworm", base.group(1))
    assert re.search(r"^USER autogavel$", docker, re.MULTILINE)
    assert 'HEALTHCHECK' in docker and '"ops.status"' in docker
    assert 'CMD ["python", "-m", "ops.up", "--foreground"]' in docker
    assert "requirements-ops.txt" in docker
    for package in ("haproxy", "pgbouncer"):
        assert re.search(rf"{package}=\d", docker), f"{package} is not pinned"


def test_compose_sets_only_settings_the_stack_reads() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    assert set(compose["services"]) == {"postgres", "redis", "autogavel"}
    stack = compose["services"]["autogavel"]
    env = set(stack["environment"])
    assert env <= KNOWN_SETTINGS | API_SETTINGS, env - KNOWN_SETTINGS - API_SETTINGS
    assert {"DATABASE_URL", "REDIS_URL", "JWT_SECRET", "COOKIE_KEY"} <= env
    assert set(SHARED_ENV_KEYS) <= KNOWN_SETTINGS | API_SETTINGS
    published = {port.split(":")[1] for port in stack["ports"]}
    assert published == {stack["environment"]["HTTPS_PORT"], stack["environment"]["HTTP_PORT"]}
    for image in (compose["services"]["postgres"]["image"], compose["services"]["redis"]["image"]):
        assert re.fullmatch(r"[a-z]+:\d+\.\d+(\.\d+)?-bookworm", image), f"{image} is not pinned"
