-- name: users_by_role
-- Accounts by role (not deleted). Active = placed a bid or signed in (audit action 'login')
-- in the 30 days before $now.
WITH active AS (
    SELECT bidder_id AS user_id FROM bids
    WHERE placed_at >= $now - INTERVAL '30 days' AND placed_at < $now
    UNION
    SELECT actor_id FROM audit_log
    WHERE action = 'login' AND "at" >= $now - INTERVAL '30 days' AND "at" < $now
)
SELECT r.role,
       count(*) AS registered,
       count(act.user_id) AS active_30d
FROM user_roles r
JOIN users u ON u.id = r.user_id
LEFT JOIN active act ON act.user_id = r.user_id
WHERE u.status <> 'deleted' AND u.created_at < $now
GROUP BY r.role
ORDER BY r.role
