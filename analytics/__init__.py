"""DuckDB analytics over a Parquet copy of the store, in two halves.

- `analytics.copy`: the pipeline that builds and refreshes the copy from the change log
  (`data.changelog`); `analytics.background`: the app process's refresher thread, started with the
  server (pages never refresh or load).
- The read side, here: `reader` and `memory` (the copy in memory), `queries` (the dashboards' numbers
  as DataFrames, from the named files in `sql/`, through `sqlfiles`), `exports` (streamed relations),
  `files` (report files), `figures` (plotly figures), `health` (read from the store itself).
"""

from analytics.reader import freshness

__all__ = ["freshness"]
