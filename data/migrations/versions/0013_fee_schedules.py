"""fees are the platform's: versioned fee schedules (buyer's premium bands; a platform default and
per-dealer seller fees); sales keep the schedule versions and amounts of their hammer

The schedules in force are seeded from what the store held, effective from the epoch, so every past
and open lot has one: the buyer's premium from the terms most auctions used (5 %, no minimum or
maximum when there are none), the platform's seller fee 0 %, and one seller-fee version per dealer
whose fee was not 0. Then the dealer-set premium (auctions.buyer_premium_pct, premium_min,
premium_max) and dealers.seller_fee_pct go: the schedules replace them. Past sales keep their amounts;
their schedule ids stay empty (booked before fees were versioned). A lot still open in an auction
whose premium differed from the seeded one is charged the platform's premium at its hammer.

Columns are dropped and added with plain ALTER TABLE (SQLite 3.35+ drops a plain column in place), so
SQLite never rebuilds `dealers` or `auctions`, which other tables reference.

Revision ID: 0013_fee_schedules
Revises: 0012_live_presence
"""
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

import data.types

revision: str = '0013_fee_schedules'
down_revision: str | None = '0012_live_presence'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
PERCENT = sa.Numeric(precision=5, scale=2)
MONEY = data.types.Money()
WHEN = data.types.UTCDateTime(timezone=True)
SCHEDULES = sa.table('fee_schedules', sa.column('id', sa.Integer()), sa.column('kind', sa.String()),
                     sa.column('dealer_id', sa.Integer()), sa.column('effective_from', WHEN),
                     sa.column('set_at', WHEN), sa.column('note', sa.String()))
BANDS = sa.table('fee_bands', sa.column('schedule_id', sa.Integer()), sa.column('from_price', MONEY),
                 sa.column('percent', PERCENT), sa.column('flat', MONEY), sa.column('minimum', MONEY),
                 sa.column('maximum', MONEY))
AUCTIONS = sa.table('auctions', sa.column('id', sa.Integer()), sa.column('buyer_premium_pct', PERCENT),
                    sa.column('premium_min', MONEY), sa.column('premium_max', MONEY))
DEALERS = sa.table('dealers', sa.column('id', sa.Integer()), sa.column('seller_fee_pct', PERCENT))
SALES = sa.table('sales', sa.column('hammer', MONEY), sa.column('buyer_premium', MONEY),
                 sa.column('buyer_total', MONEY))


def upgrade() -> None:
    _create_tables()
    _seed_schedules()
    for table, column in (('auctions', 'buyer_premium_pct'), ('auctions', 'premium_min'),
                          ('auctions', 'premium_max'), ('dealers', 'seller_fee_pct')):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    _sales_keep_their_fees()


def _create_tables() -> None:
    op.create_table(
        'fee_schedules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('dealer_id', sa.Integer(), nullable=True),
        sa.Column('effective_from', WHEN, nullable=False),
        sa.Column('set_at', WHEN, nullable=False),
        sa.Column('set_by', sa.Integer(), nullable=True),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['dealer_id'], ['dealers.id']),
        sa.ForeignKeyConstraint(['set_by'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_fee_schedules_in_force', 'fee_schedules', ['kind', 'dealer_id', 'effective_from', 'id'])
    op.create_table(
        'fee_bands',
        sa.Column('schedule_id', sa.Integer(), nullable=False),
        sa.Column('from_price', MONEY, nullable=False),
        sa.Column('percent', PERCENT, nullable=False),
        sa.Column('flat', MONEY, nullable=False),
        sa.Column('minimum', MONEY, nullable=False),
        sa.Column('maximum', MONEY, nullable=True),
        sa.ForeignKeyConstraint(['schedule_id'], ['fee_schedules.id']),
        sa.PrimaryKeyConstraint('schedule_id', 'from_price'),
    )


def _seed_schedules() -> None:
    bind = op.get_bind()
    terms = bind.execute(
        sa.select(AUCTIONS.c.buyer_premium_pct, AUCTIONS.c.premium_min, AUCTIONS.c.premium_max)
        .group_by(AUCTIONS.c.buyer_premium_pct, AUCTIONS.c.premium_min, AUCTIONS.c.premium_max)
        .order_by(sa.func.count().desc(), AUCTIONS.c.buyer_premium_pct.desc()).limit(1)).first()
    percent, minimum, maximum = terms or (Decimal("5"), Decimal("0"), None)
    _add_schedule('buyer_premium', None, dict(percent=percent, minimum=minimum, maximum=maximum),
                  "Seeded from the premium most auctions used before fees were the platform's.")
    _add_schedule('seller_fee', None, dict(percent=Decimal("0"), minimum=Decimal("0"), maximum=None),
                  "The platform's default seller fee, seeded at 0 %.")
    for dealer_id, pct in bind.execute(sa.select(DEALERS.c.id, DEALERS.c.seller_fee_pct)
                                       .where(DEALERS.c.seller_fee_pct != 0).order_by(DEALERS.c.id)):
        _add_schedule('seller_fee', dealer_id, dict(percent=pct, minimum=Decimal("0"), maximum=None),
                      "Seeded from the dealer's seller fee before fees were versioned.")


def _add_schedule(kind: str, dealer_id: int | None, band: dict[str, object], note: str) -> None:
    bind = op.get_bind()
    schedule_id = bind.execute(SCHEDULES.insert().values(
        kind=kind, dealer_id=dealer_id, effective_from=EPOCH, set_at=datetime.now(UTC), note=note)
        .returning(SCHEDULES.c.id)).scalar_one()
    bind.execute(BANDS.insert().values(schedule_id=schedule_id, from_price=Decimal("0"), flat=Decimal("0"),
                                       **band))


def _sales_keep_their_fees() -> None:
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.add_column(sa.Column('buyer_total', MONEY, nullable=True))
        batch_op.add_column(sa.Column('premium_schedule_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('seller_fee_schedule_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_sales_premium_schedule', 'fee_schedules', ['premium_schedule_id'], ['id'])
        batch_op.create_foreign_key('fk_sales_seller_fee_schedule', 'fee_schedules',
                                    ['seller_fee_schedule_id'], ['id'])
    op.execute(SALES.update().values(buyer_total=SALES.c.hammer + SALES.c.buyer_premium))
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.alter_column('buyer_total', existing_type=MONEY, nullable=False)


def downgrade() -> None:
    """The premium and seller fee go back to the auctions and dealers, as in force now (the first band
    of each schedule: the old columns held one percent); the schedules go."""
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.drop_constraint('fk_sales_seller_fee_schedule', type_='foreignkey')
        batch_op.drop_constraint('fk_sales_premium_schedule', type_='foreignkey')
        batch_op.drop_column('seller_fee_schedule_id')
        batch_op.drop_column('premium_schedule_id')
        batch_op.drop_column('buyer_total')
    op.add_column('auctions', sa.Column('buyer_premium_pct', PERCENT, nullable=False, server_default='5'))
    op.add_column('auctions', sa.Column('premium_min', MONEY, nullable=False, server_default='0'))
    op.add_column('auctions', sa.Column('premium_max', MONEY, nullable=True))
    op.add_column('dealers', sa.Column('seller_fee_pct', PERCENT, nullable=False, server_default='0'))
    _restore_old_columns()
    op.drop_table('fee_bands')
    op.drop_index('ix_fee_schedules_in_force', table_name='fee_schedules')
    op.drop_table('fee_schedules')


def _restore_old_columns() -> None:
    bind = op.get_bind()
    premium = _first_band(bind, 'buyer_premium', None)
    if premium is not None:
        bind.execute(AUCTIONS.update().values(buyer_premium_pct=premium.percent, premium_min=premium.minimum,
                                              premium_max=premium.maximum))
    for (dealer_id,) in bind.execute(sa.select(DEALERS.c.id)).all():
        own = _first_band(bind, 'seller_fee', dealer_id)
        if own is not None:
            bind.execute(DEALERS.update().where(DEALERS.c.id == dealer_id).values(seller_fee_pct=own.percent))


def _first_band(bind: sa.Connection, kind: str, dealer_id: int | None) -> sa.Row | None:  # type: ignore[type-arg]
    owner = SCHEDULES.c.dealer_id.is_(None) if dealer_id is None else SCHEDULES.c.dealer_id == dealer_id
    latest = (sa.select(SCHEDULES.c.id).where(SCHEDULES.c.kind == kind, owner)
              .order_by(SCHEDULES.c.effective_from.desc(), SCHEDULES.c.id.desc()).limit(1).scalar_subquery())
    return bind.execute(sa.select(BANDS.c.percent, BANDS.c.minimum, BANDS.c.maximum)
                        .where(BANDS.c.schedule_id == latest).order_by(BANDS.c.from_price).limit(1)).first()
