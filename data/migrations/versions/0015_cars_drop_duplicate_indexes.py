"""cars: drop the indexes that a longer one already serves; every inserted or updated car paid for them

Measured at 1M cars (EXPLAIN on both stores, bench/results/inventory.txt): no query of the app used
them. `ix_cars_make_year` (make, year) is covered by `ix_cars_status_make_year` (the marketplace always
filters on status; a store's own list goes by dealer); `ix_cars_body_fuel` (body_type, fuel) is the
prefix of `ix_cars_body_fuel_trans_price`; `ix_cars_dealer_id` (dealer_id, id) served the new-auction
picker's ORDER BY id, which now orders by (created_at, id), as `ix_cars_dealer_created` does (that
index also serves the dealers' foreign key). `ix_cars_status` stays: SQLite's text search looks its
few FTS matches up through it (status=? AND rowid=?); without it SQLite walked a longer status index
(0.1 s -> 3-5 s at 1M cars).

Revision ID: 0015_cars_drop_duplicate_indexes
Revises: 0014_reports_and_flags
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0015_cars_drop_duplicate_indexes'
down_revision: str | None = '0014_reports_and_flags'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DROPPED = {
    "ix_cars_make_year": ["make", "year"],
    "ix_cars_body_fuel": ["body_type", "fuel"],
    "ix_cars_dealer_id": ["dealer_id", "id"],
}


def upgrade() -> None:
    for name in DROPPED:
        op.drop_index(name, table_name="cars")


def downgrade() -> None:
    for name, columns in DROPPED.items():
        op.create_index(name, "cars", columns, unique=False)
