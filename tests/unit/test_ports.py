"""Free ports for the servers a test, a benchmark or `ops.cluster` starts (ops/ports.py)."""

from __future__ import annotations

import socket

from ops import ports
from ops.settings import StackSettings


def test_spans_of_free_ports_lie_below_the_ephemeral_range_and_are_never_handed_out_twice() -> None:
    starts = [ports.free_port(span=3) for _ in range(30)]
    handed = [start + n for start in starts for n in range(3)]
    assert len(set(handed)) == len(handed)
    assert all(ports.LOWEST <= port < ports._ephemeral_start() for port in handed)
    for port in handed:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", port))  # still free: nothing else binds below the range


def test_a_stack_gets_a_free_port_for_every_port_setting_and_a_span_for_each_base_port() -> None:
    spans = ports.stack_port_spans()
    defaults = StackSettings.model_fields
    assert set(spans) == {name.upper() for name, setting in defaults.items()
                          if name.endswith("_port") and isinstance(setting.default, int)}
    assert spans["APP_BASE_PORT"] == spans["APP_METRICS_BASE_PORT"] == defaults["app_processes"].default
    assert spans["HTTPS_PORT"] == spans["API_PORT"] == 1

    chosen = ports.stack_ports()
    settings = StackSettings(**{name.lower(): int(port) for name, port in chosen.items()})
    bound = [settings.https_port, settings.http_port, settings.api_port, settings.pgbouncer_port,
             settings.redis_port, settings.worker_metrics_port, *settings.app_ports(),
             *settings.app_metrics_ports()]
    assert len(set(bound)) == len(bound)  # no two of the stack's servers share a port
