"""The role the app connects as on PostgreSQL: it reads and writes the marketplace's tables but
cannot change history.

The audit log's triggers (migration 0010) bind every role that cannot drop them, so the app must not
own the tables: the migrations run as the owner, the app as this role. It may only read and append
to `audit_log` (no UPDATE, DELETE or TRUNCATE) and only read `alembic_version` (the schema check). Tables
that later migrations create get the same grants by default privileges. Idempotent: run after every
migration (`ops.up` does).
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, text

APPEND_ONLY = ("audit_log",)
READ_ONLY = ("alembic_version",)
_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def grant_app_role(owner: Engine, role: str, password: str) -> None:
    """Create `role` (or set its password) and give it exactly the app's rights, as `owner`."""
    if not _ROLE_NAME.fullmatch(role):
        raise ValueError(f"app role {role!r}: use lower-case letters, digits and _ (a PostgreSQL name)")
    with owner.begin() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}).first()
        verb = "ALTER" if exists else "CREATE"
        # DDL takes no bind parameters: the password goes in as a quoted literal.
        quoted = conn.execute(text("SELECT quote_literal(:p)"), {"p": password}).scalar_one()
        conn.execute(text(f"{verb} ROLE {role} LOGIN PASSWORD {quoted}"))
        for statement in _grants(role):
            conn.execute(text(statement))


def _grants(role: str) -> list[str]:
    narrowed = ", ".join(APPEND_ONLY + READ_ONLY)
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {narrowed} FROM {role}",
        f"REVOKE INSERT ON {', '.join(READ_ONLY)} FROM {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]


def drop_app_role(owner: Engine, role: str) -> None:
    """Remove the role and what it was granted (tests; a decommissioned stack)."""
    with owner.begin() as conn:
        if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
