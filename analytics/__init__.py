"""DuckDB analytics over a copy of the store, fed from the change log (`data.changelog`)."""
