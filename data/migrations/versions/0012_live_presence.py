"""live_presence: each server process's count of open live streams, for the admin's "watchers"

Revision ID: 0012_live_presence
Revises: 0011_email_preferences
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import data.types

revision: str = '0012_live_presence'
down_revision: str | None = '0011_email_preferences'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'live_presence',
        sa.Column('process', sa.String(length=80), nullable=False),
        sa.Column('watchers', sa.Integer(), nullable=False),
        sa.Column('seen_at', data.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('process'),
    )
    with op.batch_alter_table('live_presence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_presence_seen_at'), ['seen_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('live_presence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_presence_seen_at'))
    op.drop_table('live_presence')
