"""account reviews: accounts flagged for an admin (too many bid retractions), open until resolved;
every auction's soft close gets a cap

Auctions without a latest end take the default cap: 30 minutes after their last lot's close as stored
(for a live auction already extended, after that extended close).

Revision ID: 0008_retractions_review
Revises: 0007_idem_fingerprint
"""
from collections.abc import Sequence

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

import data.types

revision: str = '0008_retractions_review'
down_revision: str | None = '0007_idem_fingerprint'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_CAP = timedelta(minutes=30)  # SOFT_CLOSE_CAP_MINUTES' default, frozen as of this revision


def upgrade() -> None:
    op.create_table(
        'account_reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=30), nullable=False),
        sa.Column('detail', sa.String(length=300), nullable=False),
        sa.Column('flagged_at', data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('resolved_by', sa.Integer(), nullable=True),
        sa.Column('resolved_at', data.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.ForeignKeyConstraint(['resolved_by'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('account_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_reviews_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_reviews_user_id'), ['user_id'], unique=False)
    _cap_every_soft_close()


def _cap_every_soft_close() -> None:
    when = data.types.UTCDateTime(timezone=True)
    auctions = sa.table('auctions', sa.column('id', sa.Integer()), sa.column('ends_at', when),
                        sa.column('latest_end_at', when))
    bind = op.get_bind()
    uncapped = bind.execute(sa.select(auctions.c.id, auctions.c.ends_at)
                            .where(auctions.c.latest_end_at.is_(None))).all()
    if uncapped:
        bind.execute(auctions.update().where(auctions.c.id == sa.bindparam('auction'))
                     .values(latest_end_at=sa.bindparam('latest')),
                     [{"auction": row.id, "latest": row.ends_at + DEFAULT_CAP} for row in uncapped])


def downgrade() -> None:
    """The review queue goes; the caps stay (they are valid latest ends under the old schema)."""
    with op.batch_alter_table('account_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_reviews_user_id'))
        batch_op.drop_index(batch_op.f('ix_account_reviews_status'))
    op.drop_table('account_reviews')
