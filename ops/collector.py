"""Python's cyclic garbage collector, set for a long-running app server (ops/app_server.py).

With the default thresholds (700, 10, 10), an app server holding 500 live streams and their Streamlit
sessions ran a full collection every 2 to 6 s. Each took 330 to 1,500 ms, walked ~500,000 objects and
freed none of them. The short-lived objects of each delivery (queue items, futures) were still alive
when a young collection ran, so they were promoted, and their count set off the next full collection.
Every board in flight waited: the hot lot's p95 was ~320 ms at 20 bids/s.

Young collections every 100,000 allocations instead rarely find a delivery in flight. The same run
had no full collection, and p95 fell to 42 ms (bench/results/live.txt). Each young pass frees ~40,000
cycles in 100-200 ms on the loaded machine; Streamlit's full collection after every script run stays
off (.streamlit/config.toml).
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 100_000


def tune_for_server() -> None:
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, older, oldest)
