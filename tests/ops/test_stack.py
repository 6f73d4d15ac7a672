"""The one-host stack on this machine: `ops.up` starts it all behind TLS, the sign-in page shows
through the proxy with two app processes behind it, `ops.status` lists them, `ops.down` stops it all.

Runs on a scratch PostgreSQL database and free ports, with its own Redis, in a folder of its own."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import Browser, expect

from data.app_role import drop_app_role
from data.db import make_engine
from ops.ports import stack_port_spans, stack_ports
from tests.support import stores

ROOT = Path(__file__).resolve().parents[2]


def _ops(command: str, env: dict[str, str], timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", f"ops.{command}"], cwd=ROOT, env=env, text=True,
                          capture_output=True, timeout=timeout, check=False)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    if not stores.pg_server_url():
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("the stack test needs TEST_DATABASE_URL")
        pytest.skip("the stack runs on PostgreSQL: set TEST_DATABASE_URL")
    folder = tmp_path_factory.mktemp("stack")
    with stores.postgres_database() as url:
        env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "JWT_SECRET", "COOKIE_KEY"}}
        env |= stack_ports() | {"DATABASE_URL": url.replace("postgresql+psycopg://", "postgresql://"),
                "STACK_DIR": str(folder / "stack"), "DATA_DIR": str(folder / "var"),
                "APP_ROLE": f"app_{uuid.uuid4().hex[:12]}"}  # roles are the server's: one of our own
        started = _ops("up", env)
        try:
            assert started.returncode == 0, started.stdout + started.stderr
            yield env
        finally:
            stopped = _ops("down", env)
            drop_app_role(make_engine(url), env["APP_ROLE"])
            assert stopped.returncode == 0, stopped.stdout + stopped.stderr
            ports = [int(env[name]) + n for name, span in stack_port_spans().items() for n in range(span)]
            assert all(_free(port) for port in ports), "a process of the stack outlived ops.down"


def _free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _https(env: dict[str, str], path: str) -> urllib.request.Request:
    return urllib.request.Request(f"https://127.0.0.1:{env['HTTPS_PORT']}{path}")


def _unverified() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the stack's self-signed certificate
    return context


def test_the_sign_in_page_shows_over_https_through_the_proxy(
        stack: dict[str, str], browser: Browser) -> None:
    context = browser.new_context(ignore_https_errors=True)
    try:
        page = context.new_page()
        page.goto(f"https://localhost:{stack['HTTPS_PORT']}/")
        expect(page.get_by_text("Sign in to AutoGavel")).to_be_visible(timeout=30_000)
        cookies = {c["name"]: c for c in page.context.cookies()}
        assert cookies["AG_SERVER"]["secure"] and cookies["AG_SERVER"]["httpOnly"]
    finally:
        context.close()


def test_two_app_processes_take_turns_and_https_is_strict(stack: dict[str, str]) -> None:
    servers = set()
    for _ in range(4):
        with urllib.request.urlopen(_https(stack, "/"), context=_unverified(), timeout=10) as answer:  # noqa: S310
            servers.add(answer.headers["Set-Cookie"].split(";")[0])
            assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
    assert servers == {"AG_SERVER=app-1", "AG_SERVER=app-2"}
    with pytest.raises(urllib.error.HTTPError) as hidden:
        urllib.request.urlopen(_https(stack, "/metrics"), context=_unverified(), timeout=10)  # noqa: S310
    assert hidden.value.code == 404


def test_the_processes_connect_as_the_app_role_which_cannot_rewrite_the_audit_log(
        stack: dict[str, str]) -> None:
    processes = dict(line.split("=", 1) for line in
                     (Path(stack["STACK_DIR"]) / "processes.env").read_text().splitlines())
    for key in ("DATABASE_URL", "DATABASE_LISTEN_URL"):  # through PgBouncer, and straight for LISTEN
        with psycopg.connect(processes[key], autocommit=True) as conn:
            role, may_update, may_insert = conn.execute(
                "SELECT current_user, has_table_privilege('audit_log', 'UPDATE'),"
                " has_table_privilege('audit_log', 'INSERT')").fetchone() or ()
        assert (role, may_update, may_insert) == (stack["APP_ROLE"], False, True), key
    assert f":{stack['PGBOUNCER_PORT']}/" in processes["DATABASE_URL"]
    assert f":{stack['PGBOUNCER_PORT']}/" not in processes["DATABASE_LISTEN_URL"]


def test_plain_http_redirects_to_https(stack: dict[str, str]) -> None:
    answer = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                             f"http://localhost:{stack['HTTP_PORT']}/lot?id=1"],
                            capture_output=True, text=True, check=True)
    assert answer.stdout == f"301 https://localhost:{stack['HTTPS_PORT']}/lot?id=1"


def test_status_lists_every_process_healthy(stack: dict[str, str]) -> None:
    status = _ops("status", stack, timeout=60)
    assert status.returncode == 0, status.stdout
    lines = {line.split()[0]: line for line in status.stdout.splitlines()[1:]}
    assert set(lines) == {"redis", "pgbouncer", "app-1", "app-2", "api", "worker", "analytics", "mailer",
                          "haproxy"}
    assert all("RUNNING" in line and line.endswith("ok") for line in lines.values()), status.stdout


def test_app_processes_and_the_worker_export_metrics(stack: dict[str, str]) -> None:
    test_two_app_processes_take_turns_and_https_is_strict(stack)  # some traffic on both processes
    for n in (0, 1):
        app = _metrics(int(stack["APP_METRICS_BASE_PORT"]) + n)
        assert "app_reruns_total" in app and "app_sessions" in app and "db_pool_checked_out" in app
    worker = _metrics(int(stack["WORKER_METRICS_PORT"]))
    assert "auction_settlement_lag_seconds 0.0" in worker and "worker_rounds_total" in worker


def _metrics(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        return str(answer.read().decode())
