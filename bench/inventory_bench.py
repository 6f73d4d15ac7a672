"""Inventory benchmark (NFR3, NFR6): car browsing over a large stock, and the 10,000-row workbook import,
on SQLite and PostgreSQL. Prints figures; the last line is what CI and the issue track:

    RESULT import_10k_max_s=<slower store> search_p95_ms=<slower store's worst shape p95>

    python -m bench.inventory_bench            # 1,000,000 cars, 10,000 live auctions, 50 runs a shape
    python -m bench.inventory_bench --smoke    # 2,000 cars: runs in seconds, so the bench never rots

SQLite is a temporary file; PostgreSQL a scratch database made on the server named by DATABASE_URL
(default postgresql://postgres@127.0.0.1:5432/postgres) and dropped at the end. Both are migrated with
Alembic, bulk-loaded (COPY / executemany in one transaction), then analysed, as an operator would.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from bench import inventory_data as stock

SHAPES = ("make_year_ending", "text_swift_vxi_diesel", "price_city", "body_fuel_trans_by_price",
          "dealer_own_cars", "page_50_broad")
WARM_UP = 3
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
