"""DuckDB analytics over a Parquet copy of the store, fed from the change log (`data.changelog`).

- `analytics.refresh`: keep the copy fresh (`refresh_once`, `rebuild`, CLI);
  `analytics.background`: the app process's refresher thread (pages never refresh or load).
- `analytics.queries`: the dashboards' numbers as DataFrames; `analytics.exports`: streamed relations.
- `analytics.figures`: plotly figures from those DataFrames; `analytics.health`: read from the store.
"""

from analytics.reader import freshness

__all__ = ["freshness"]
