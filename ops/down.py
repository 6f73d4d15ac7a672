"""`python -m ops.down`: stop every process of the stack cleanly, then supervisord itself."""

from __future__ import annotations

import sys
import time

from ops.settings import get_stack_settings
from ops.supervise import ctl, supervisord_pid


def main() -> int:
    s = get_stack_settings()
    if supervisord_pid(s) is None:
        print("The stack is not running.")
        return 0
    ctl(s, "stop", "all")  # each process gets TERM and up to 20 s to finish what it is doing
    ctl(s, "shutdown")
    deadline = time.monotonic() + 60
    while supervisord_pid(s) is not None and time.monotonic() < deadline:
        time.sleep(0.3)
    if supervisord_pid(s) is not None:
        print("supervisord did not stop within 60 s", file=sys.stderr)
        return 1
    print("The stack is stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
