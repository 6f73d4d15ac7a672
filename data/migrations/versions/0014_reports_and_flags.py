"""reports of listings, sellers and bidders (counted toward the review queue); the store's rate windows
(bids per user, registrations per address, reports per user) when Redis is not configured

Revision ID: 0014_reports_and_flags
Revises: 0013_fee_schedules
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import data.types

revision: str = '0014_reports_and_flags'
down_revision: str | None = '0013_fee_schedules'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reporter_id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=40), nullable=False),
        sa.Column('lot_id', sa.Integer(), nullable=False),
        sa.Column('accused_id', sa.Integer(), nullable=False),
        sa.Column('about', sa.String(length=12), nullable=False),
        sa.Column('reason', sa.String(length=24), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('created_at', data.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['reporter_id'], ['users.id']),
        sa.ForeignKeyConstraint(['lot_id'], ['lots.id']),
        sa.ForeignKeyConstraint(['accused_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('reporter_id', 'subject', name='uq_reports_reporter_subject'),
    )
    op.create_index('ix_reports_accused_at', 'reports', ['accused_id', 'created_at'], unique=False)
    op.create_table(
        'rate_windows',
        sa.Column('scope', sa.String(length=20), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('hits', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('scope', 'key'),
    )


def downgrade() -> None:
    op.drop_table('rate_windows')
    op.drop_index('ix_reports_accused_at', table_name='reports')
    op.drop_table('reports')
