"""one sale per car: sales carry their car, unique; sales are dated at the hammer (the lot's end)

Before, a car freed by cancelling an ended auction could be sold again, and `sold_at` was the moment
settlement ran. Existing sales take their lot's car and end time. If a car already has two sales, the
upgrade stops and names them: an operator decides which stands (nothing here deletes money records).

Revision ID: 0005_one_sale_per_car
Revises: 0004
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_one_sale_per_car'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FROM_LOT = "(SELECT lots.{column} FROM lots WHERE lots.id = sales.lot_id)"


def upgrade() -> None:
    _refuse_cars_sold_twice()  # before any change: SQLite's DDL is not transactional
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.add_column(sa.Column('car_id', sa.Integer(), nullable=True))
    op.get_bind().execute(sa.text(f"UPDATE sales SET car_id = {FROM_LOT.format(column='car_id')}, "
                                  f"sold_at = {FROM_LOT.format(column='ends_at')}"))
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.alter_column('car_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key('fk_sales_car_id_cars', 'cars', ['car_id'], ['id'])
        batch_op.create_unique_constraint('uq_sales_car_id', ['car_id'])


def _refuse_cars_sold_twice() -> None:
    twice = op.get_bind().execute(sa.text(
        "SELECT lots.car_id, count(*) FROM sales JOIN lots ON lots.id = sales.lot_id "
        "GROUP BY lots.car_id HAVING count(*) > 1 ORDER BY lots.car_id")).all()
    if twice:
        listed = ", ".join(f"car {car_id} ({count} sales)" for car_id, count in twice)
        raise RuntimeError(f"These cars were sold more than once: {listed}. Keep one sale per car "
                           "(void the others), then run the upgrade again.")


def downgrade() -> None:
    """Sales lose their car column; their dates stay at the hammer (the settlement times are gone)."""
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.drop_constraint('uq_sales_car_id', type_='unique')
        batch_op.drop_constraint('fk_sales_car_id_cars', type_='foreignkey')
        batch_op.drop_column('car_id')
