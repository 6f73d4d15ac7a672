"""First start on an empty `var/`: migrate and seed the demo, with and without its year of history.

Each round seeds a fresh SQLite store in a scratch data folder, in a child process (a first start has
no warm caches: pictures are rendered afresh), alternating "with history" and "without" (the history
seeding replaced by nothing) so both see the same machine load. Reports the median seconds of each
and what the history adds. `--smoke`: one round each.

    python -m bench.demo_seed_bench [--rounds 3] [--smoke]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import sys, time
began = time.perf_counter()
from data.migrate import upgrade_to_head
upgrade_to_head()
import demo.seed as demo
if sys.argv[1] == "without":
    demo.seed_history = lambda *args, **kwargs: 0
report = demo.seed_demo()
assert report.created
print(f"{time.perf_counter() - began:.3f}")
"""


def first_start(history: bool) -> float:
    with tempfile.TemporaryDirectory(prefix="seed-bench-") as folder:
        env = {**os.environ, "DATA_DIR": str(Path(folder) / "var"), "DEMO_MODE": "true",
               "JWT_SECRET": "bench-jwt-secret-0123456789-abcdefghijklmnop",
               "COOKIE_KEY": "bench-cookie-key-0123456789-abcdefghijklmnop"}
        env.pop("DATABASE_URL", None)
        out = subprocess.run([sys.executable, "-c", CHILD, "with" if history else "without"], env=env,  # noqa: S603
                             check=True, capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="one round each")
    args = parser.parse_args()
    rounds = 1 if args.smoke else args.rounds
    with_history, without = [], []
    for n in range(rounds):
        without.append(first_start(history=False))
        with_history.append(first_start(history=True))
        print(f"round {n + 1}: without history {without[-1]:.1f} s, with {with_history[-1]:.1f} s")
    a, b = statistics.median(without), statistics.median(with_history)
    print(f"RESULT rounds={rounds} without_history_s={a:.1f} with_history_s={b:.1f} "
          f"added_s={b - a:.1f} added_pct={100 * (b - a) / a:.0f}")


if __name__ == "__main__":
    main()
