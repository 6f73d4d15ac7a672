"""`python -m ops.status`: each process of the stack, its state, pid, port and health."""

from __future__ import annotations

import os
import sys

from ops.settings import get_stack_settings
from ops.stack import programs
from ops.supervise import states, supervisord_pid, table


def main() -> int:
    s = get_stack_settings()
    if supervisord_pid(s) is None:
        print(f"The stack is not running (STACK_DIR={s.stack_dir}). Start it: python -m ops.up")
        return 3
    found = states(s, programs(s, as_root=os.geteuid() == 0))
    print(table(found))
    return 0 if all(p.healthy for p in found) else 1


if __name__ == "__main__":
    sys.exit(main())
