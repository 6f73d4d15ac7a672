"""bids remember what their submission asked for: the same key with another request is refused;
a user's notifications are listed newest first from an index

Revision ID: 0007_idem_fingerprint
Revises: 0006_search_covers_specs
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007_idem_fingerprint'
down_revision: str | None = '0006_search_covers_specs'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: bids placed before this revision have none, and are compared by their lot alone.
    op.add_column('bids', sa.Column('fingerprint', sa.String(length=64), nullable=True))
    op.create_index('ix_notifications_user_time', 'notifications', ['user_id', 'created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_notifications_user_time', table_name='notifications')
    with op.batch_alter_table('bids', schema=None) as batch_op:
        batch_op.drop_column('fingerprint')
