"""The sandboxed reading of the bench's 10,000-row cars workbook alone (issue #10): the reader child's
CPU seconds, the figure the import's budget depends on most.

    python -m bench.workbook_read_bench                  # 10,000 rows, 3 reads
    python -m bench.workbook_read_bench --smoke          # 200 rows, 1 read: CI runs it
    PYTHONPATH=/tmp python -m bench.workbook_read_bench --reader old_reader:read_rows
                                                          # another reader, e.g. an older one, compared
Ends with `RESULT rows=<rows> reader_cpu_s=<best child CPU> wall_s=<best wall>`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import time
from dataclasses import replace
from typing import Any

from bench.inventory_bench import WAIT_FOR_READER_S, children_cpu, workbook
from data import excel_cars, excel_reader, sandbox


def read_once(data: bytes, reader: Any) -> tuple[float, float, int]:
    """One sandboxed read: its wall seconds, the child's CPU seconds, and the rows it returned."""
    limits = replace(excel_cars.READ_LIMITS, wall_seconds=max(excel_cars.READ_LIMITS.wall_seconds,
                                                              WAIT_FOR_READER_S))
    started, child = time.perf_counter(), children_cpu()
    rows = sandbox.run_limited(reader, data, limits, unused=excel_cars.NOT_READING)
    return time.perf_counter() - started, children_cpu() - child, len(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="a tiny size, for CI")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reader", default="", metavar="MODULE:FUNCTION",
                        help="a reader with read_rows' signature (default: data.excel_reader.read_rows)")
    args = parser.parse_args(argv)
    rows, runs = (200, 1) if args.smoke else (args.rows, args.runs)
    module, _, function = args.reader.partition(":")
    reader = getattr(importlib.import_module(module), function) if module else excel_reader.read_rows
    data = workbook(rows)
    timings = [read_once(data, reader) for _ in range(runs)]
    for wall, cpu, found in timings:
        print(f"  read {found} rows ({len(data) / 1e6:.1f} MB): wall {wall:.2f} s, reader child cpu "
              f"{cpu:.2f} s; load average {os.getloadavg()[0]:.1f}")
    print(f"RESULT rows={rows} reader_cpu_s={min(cpu for _w, cpu, _f in timings):.2f} "
          f"wall_s={min(wall for wall, _c, _f in timings):.2f}")


if __name__ == "__main__":
    main()
