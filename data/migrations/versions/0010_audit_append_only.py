"""the audit log is append-only in the store itself: triggers refuse UPDATE and DELETE of its rows

PostgreSQL also refuses TRUNCATE (a statement trigger). Whoever can drop a trigger can still rewrite
history: the app's role must not own the table (docs/AUDIT.md has the GRANT/REVOKE statements).

Revision ID: 0010_audit_append_only
Revises: 0009_email_outbox
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0010_audit_append_only'
down_revision: str | None = '0009_email_outbox'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "audit_log is append-only: its rows cannot be changed or deleted"

POSTGRES_UP = (
    f"""CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END $$""",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse()",
)
POSTGRES_DOWN = (
    "DROP TRIGGER audit_log_no_truncate ON audit_log",
    "DROP TRIGGER audit_log_no_change ON audit_log",
    "DROP FUNCTION audit_log_refuse()",
)
SQLITE_UP = tuple(
    f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    for verb in ("UPDATE", "DELETE")
)
SQLITE_DOWN = ("DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete")


def upgrade() -> None:
    for statement in POSTGRES_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP:
        op.execute(statement)


def downgrade() -> None:
    for statement in POSTGRES_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN:
        op.execute(statement)
