"""Free ports for servers started on this host (a replica cluster, a test's or a benchmark's stack),
chosen below the kernel's ephemeral range.

A port the kernel hands out for `bind(0)` lies in the ephemeral range, the one it also gives every
outgoing connection its local port from. A server started seconds after its port was chosen (ops.up
starts a whole stack) could find that port taken by a client socket of another process meanwhile: the
stack test's second app server once lost its port that way for two minutes ("Port … is not available").
Below the range no client socket is ever given one, so a port found free stays free until a server
binds it. Ports handed out in this process are not handed out again.
"""

from __future__ import annotations

import random
import socket
import threading
from pathlib import Path

from ops.settings import StackSettings

LOWEST = 10_000
_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_handed_out: set[int] = set()
_lock = threading.Lock()


def free_port(span: int = 1) -> int:
    """A port p with p .. p + span - 1 all free, outside the ephemeral range where the kernel has room."""
    highest = _ephemeral_start() - span
    if highest <= LOWEST:  # a machine whose ephemeral range starts low: only the kernel can tell
        return _kernel_port()
    chooser = random.SystemRandom()
    with _lock:
        for _ in range(1_000):
            port = chooser.randrange(LOWEST, highest)
            run = range(port, port + span)
            if _handed_out.isdisjoint(run) and all(_bindable(each) for each in run):
                _handed_out.update(run)
                return port
    raise RuntimeError(f"no {span} free consecutive ports between {LOWEST} and {highest}")


def _ephemeral_start() -> int:
    try:
        return int(_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768  # Linux's default


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _kernel_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stack_port_spans() -> dict[str, int]:
    """Each port setting of the stack (`ops.up`), as its environment variable, and how many ports from it
    the stack binds: a base port (`APP_BASE_PORT`, `APP_METRICS_BASE_PORT`) one for each app process."""
    processes = StackSettings.model_fields["app_processes"].default
    return {name.upper(): processes if name.endswith("_base_port") else 1
            for name, setting in StackSettings.model_fields.items()
            if name.endswith("_port") and isinstance(setting.default, int)}


def stack_ports() -> dict[str, str]:
    """A free port for every port setting of the stack, as environment variables for `ops.up`."""
    return {name: str(free_port(span=span)) for name, span in stack_port_spans().items()}
