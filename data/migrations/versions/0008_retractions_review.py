"""account reviews: accounts flagged for an admin (too many bid retractions), open until resolved

Revision ID: 0008_retractions_review
Revises: 0005_one_sale_per_car
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import data.types

revision: str = '0008_retractions_review'
down_revision: str | None = '0005_one_sale_per_car'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


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


def downgrade() -> None:
    with op.batch_alter_table('account_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_reviews_user_id'))
        batch_op.drop_index(batch_op.f('ix_account_reviews_status'))
    op.drop_table('account_reviews')
