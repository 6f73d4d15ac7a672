"""email preferences: which notices a user also gets by email; notice emails in the outbox

`email_preferences` holds one row per user and topic the user chose (no row: the topic's default).
The outbox gains an HTML alternative and, for a notice's email, the user and lot it is about (outbid
emails are coalesced per user and lot: docs/EMAIL.md).

Revision ID: 0011_email_preferences
Revises: 0010_audit_append_only
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import data.types

revision: str = '0011_email_preferences'
down_revision: str | None = '0010_audit_append_only'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'email_preferences',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('topic', sa.String(length=20), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('updated_at', data.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('user_id', 'topic'),
    )
    with op.batch_alter_table('email_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('lot_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_email_outbox_user_lot', ['user_id', 'lot_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('email_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_email_outbox_user_lot')
        batch_op.drop_column('lot_id')
        batch_op.drop_column('user_id')
        batch_op.drop_column('html')
    op.drop_table('email_preferences')
