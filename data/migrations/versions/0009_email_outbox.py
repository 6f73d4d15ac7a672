"""email outbox (password reset, email verification) and users.email_verified_at

Accounts that exist before this revision count as verified (they were made before verification
existed, including the demo accounts).

Revision ID: 0009_email_outbox
Revises: 0008_retractions_review
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import data.types

revision: str = '0009_email_outbox'
down_revision: str | None = '0008_retractions_review'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    when = data.types.UTCDateTime(timezone=True)
    op.create_table(
        'email_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('to_address', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', when, nullable=False),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', when, nullable=False),
        sa.Column('sent_at', when, nullable=True),
        sa.Column('last_error', sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('email_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_outbox_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_email_outbox_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_email_outbox_to_address'), ['to_address'], unique=False)
    op.add_column('users', sa.Column('email_verified_at', when, nullable=True))
    users = sa.table('users', sa.column('email_verified_at', when), sa.column('created_at', when))
    op.execute(users.update().values(email_verified_at=users.c.created_at))


def downgrade() -> None:
    # Not a batch operation: SQLite would copy `users`, which other tables' foreign keys point at.
    op.execute('ALTER TABLE users DROP COLUMN email_verified_at')
    with op.batch_alter_table('email_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_outbox_to_address'))
        batch_op.drop_index(batch_op.f('ix_email_outbox_status'))
        batch_op.drop_index(batch_op.f('ix_email_outbox_created_at'))
    op.drop_table('email_outbox')
