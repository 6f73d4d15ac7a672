"""The copy pipeline: the store's change log → Parquet parts under a manifest (the write side).

- `refresh`: bring the copy up to date (`refresh_once`, `rebuild`, `python -m analytics.copy.refresh`);
- `extract`: store rows as Arrow tables (the rows themselves are read by `data.copy_reads`);
- `audit_marks`: when the append-only audit log is final on PostgreSQL; `compact`: merge delta parts;
- `storage`, `schema`: the copy's format (parts, manifest, tables and types), which the read side
  (`analytics.reader`, `analytics.memory`) opens.

Every store read and dialect difference is in `data/` (`data.changelog`, `data.copy_reads`).
"""
