-- name: export_audit
-- Audit entries recorded in [start, end); before/after are the stored JSON text.
SELECT id, "at", actor_id, action, entity, entity_id, "before", "after"
FROM audit_log
WHERE "at" >= $start AND "at" < $end
ORDER BY id
