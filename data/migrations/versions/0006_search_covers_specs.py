"""search covers specs: free text also finds a car's fuel, transmission, body type and city

The search box suggests "swift vxi diesel", yet fuel and city were not in the searched text, so
"diesel" or "pune" found only cars whose description happened to say so. Both stores' search text is
rebuilt from every existing row: PostgreSQL builds the new expression index over the table, SQLite's
FTS5 table is recreated and filled with its 'rebuild' command.

Revision ID: 0006_search_covers_specs
Revises: 0005_one_sale_per_car
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0006_search_covers_specs'
down_revision: str | None = '0005_one_sale_per_car'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The searched columns, in the order of the document (data/car_search.py states the same order).
NEW = ("make", "model", "variant", "fuel", "transmission", "body_type", "city", "description")
OLD = ("make", "model", "variant", "description")


def upgrade() -> None:
    _search_over(NEW)


def downgrade() -> None:
    _search_over(OLD)


def _search_over(columns: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name == "postgresql":
        document = " || ' ' || ".join(columns)
        op.execute("DROP INDEX IF EXISTS cars_search_idx")
        op.execute(f"CREATE INDEX cars_search_idx ON cars USING gin (to_tsvector('simple', {document}))")
        # the planner's statistics of the searched text went with the old index: without them it
        # guessed a few matches and joined them to dealers by a loop (at 1M cars 50 ms, not 5)
        op.execute("ANALYZE cars")
        return
    for trigger in ("cars_fts_insert", "cars_fts_delete", "cars_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS cars_fts")
    listed = ", ".join(columns)
    new = ", ".join(f"new.{name}" for name in columns)
    old = ", ".join(f"old.{name}" for name in columns)
    op.execute(f"CREATE VIRTUAL TABLE cars_fts USING fts5({listed}, "
               "content='cars', content_rowid='id', tokenize='unicode61')")
    op.execute("INSERT INTO cars_fts(cars_fts) VALUES ('rebuild')")  # reads every row of `cars`
    op.execute("CREATE TRIGGER cars_fts_insert AFTER INSERT ON cars BEGIN "
               f"INSERT INTO cars_fts(rowid, {listed}) VALUES (new.id, {new}); END")
    op.execute("CREATE TRIGGER cars_fts_delete AFTER DELETE ON cars BEGIN "
               f"INSERT INTO cars_fts(cars_fts, rowid, {listed}) VALUES ('delete', old.id, {old}); END")
    op.execute(f"CREATE TRIGGER cars_fts_update AFTER UPDATE OF {listed} ON cars BEGIN "
               f"INSERT INTO cars_fts(cars_fts, rowid, {listed}) VALUES ('delete', old.id, {old}); "
               f"INSERT INTO cars_fts(rowid, {listed}) VALUES (new.id, {new}); END")
