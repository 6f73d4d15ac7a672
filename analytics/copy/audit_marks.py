"""How far the append-only audit log is final, on PostgreSQL where ids are handed out before commit.

A slow transaction can commit an audit row with an id below rows already copied, so "copy id > last"
alone could miss it. Each refresh therefore re-reads audit rows above `safe` (the copy keeps one row
per id, so a re-read is harmless) and moves `safe` forward only when that is proven final: before its
snapshot it notes a mark [S, X] = [the id sequence's last value, the next transaction id]. Every id up
to S was handed to a transaction that had its id by the time of the *next* mark (an INSERT takes its
transaction id within the same statement), so once a later mark's X is below the snapshot's horizon
(all older transactions have finished), everything up to S has committed or aborted. SQLite
serialises writers, so there the highest id read is final at once.

The store reads are `data`'s: the mark is `data.copy_reads.audit_id_mark`, the horizon is the change
log's own (`data.changelog.horizon`), so "finished" means the same to both.
"""

from __future__ import annotations

MAX_MARKS = 1000  # a long-held transaction stalls `safe`; the oldest marks are dropped, never a gap


def advance(safe: int, marks: list[list[int]], horizon_xid: int) -> tuple[int, list[list[int]]]:
    """The new safe id and the marks still waiting (see the module docstring)."""
    proven = max((j for j, (_, xid) in enumerate(marks) if j > 0 and xid <= horizon_xid), default=0)
    if proven:
        safe = max(safe, marks[proven - 1][0])
        marks = marks[proven:]
    return safe, marks[-MAX_MARKS:]
