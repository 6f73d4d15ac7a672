#!/usr/bin/env bash
# Install everything the tests need, then run lint, types and the whole test suite.
# PostgreSQL tests run when TEST_DATABASE_URL is set (or a local server answers on 127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then  # the browser tests drive Debian's Chromium
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r requirements-dev.txt

if [ -z "${TEST_DATABASE_URL:-}" ] && pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  export TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test
fi

.venv/bin/ruff check .
.venv/bin/mypy .
# Every benchmark's tiny size runs here, so none rots (the full sizes: see bench/README.md).
.venv/bin/python -m bench.inventory_bench --smoke
if [ -n "${TEST_DATABASE_URL:-}" ]; then  # the bid bench measures PostgreSQL only
  DATABASE_URL="$TEST_DATABASE_URL" .venv/bin/python -m bench.bid_bench --smoke
  DATABASE_URL="$TEST_DATABASE_URL" .venv/bin/python -m bench.api_bench --smoke
  DATABASE_URL="$TEST_DATABASE_URL" .venv/bin/python -m bench.analytics_bench --smoke
  DATABASE_URL="$TEST_DATABASE_URL" .venv/bin/python -m bench.live_bench --smoke
fi

# pytest exits non-zero (5) when it collects nothing, and `set -e` turns that into a failure.
.venv/bin/python -m pytest -n 2 --dist loadfile "$@"
