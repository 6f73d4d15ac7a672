"""cars: a partial index on listing_lot_id, which settling, cancelling and taking down a lot update by

Each of those frees the lot's car with `UPDATE cars ... WHERE listing_lot_id = :lot`; without an index
that read every car (measured at 1M cars: a full scan per settled lot). Only listed cars have the
column set, so the partial index holds a few thousand rows, not a million.

Revision ID: 0016_cars_listing_lot_index
Revises: 0015_cars_drop_duplicate_indexes
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016_cars_listing_lot_index'
down_revision: str | None = '0015_cars_drop_duplicate_indexes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LISTED = sa.text("listing_lot_id IS NOT NULL")


def upgrade() -> None:
    op.create_index("ix_cars_listing_lot", "cars", ["listing_lot_id"], unique=False,
                    sqlite_where=LISTED, postgresql_where=LISTED)


def downgrade() -> None:
    op.drop_index("ix_cars_listing_lot", table_name="cars")
