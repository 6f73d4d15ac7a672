#!/usr/bin/env bash
# Install everything the tests need, then run lint, types and the whole test suite.
# PostgreSQL tests run when TEST_DATABASE_URL is set (or a local server answers on 127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests drive: Chromium (browser tests), pgBackRest (backups and the restore
# drill), promtool from prometheus (the alert rules are checked with Prometheus's own tool).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pgbackrest >/dev/null || missing+=(pgbackrest)
if [ ${#missing[@]} -gt 0 ] || ! command -v promtool >/dev/null; then
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq
  [ ${#missing[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  if ! command -v promtool >/dev/null; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
    $SUDO service prometheus stop >/dev/null 2>&1 || true  # only promtool is wanted, not the server
  fi
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
.venv/bin/python -m bench.workbook_read_bench --smoke  # the upload's sandboxed workbook read
.venv/bin/python -m bench.demo_seed_bench --smoke
.venv/bin/python -m bench.board_bench --smoke  # a real app server on an embedded store
.venv/bin/python -m bench.restore_drill --store sqlite --smoke
.venv/bin/python -m bench.analytics_bench --sqlite-rebuild --smoke  # the copy's rebuild from an embedded store
if [ "$(id -u)" = 0 ]; then  # the PostgreSQL drill makes (and drops) clusters of its own: root only
  .venv/bin/python -m bench.restore_drill --store postgresql --smoke
fi
if [ -n "${TEST_DATABASE_URL:-}" ]; then  # the bid bench measures PostgreSQL only
  DATABASE_URL="$TEST_DATABASE_URL" .venv/bin/python -m bench.bid_bench --smoke
  DATABASE_URL="$TEST_DATABASE_URL" .venv/bin/python -m bench.api_bench --smoke
  DATABASE_URL="$TEST_DATABASE_URL" .venv/bin/python -m bench.analytics_bench --smoke
  DATABASE_URL="$TEST_DATABASE_URL" .venv/bin/python -m bench.live_bench --smoke
  .venv/bin/python -m bench.chaos_bench --smoke  # the stack on a PostgreSQL cluster of its own (pg_createcluster)
fi

# pytest exits non-zero (5) when it collects nothing, and `set -e` turns that into a failure.
.venv/bin/python -m pytest -n 2 --dist loadfile "$@"
