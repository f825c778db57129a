-- name: match_evidence
-- description: Evidence of use from the `matches` table a check fills: totals with first and
--   last seen (successful and failed calls apart), then calls per API, client IP, resource,
--   principal and client key. `grouping` identifies the set (see GROUPING SETS below).
-- parameters: none
SELECT
    grouping(api_name, client_ip, resource_id, principal_id, identity_type, access_key_id)
        AS grouping,
    api_name,
    client_ip,
    resource_id,
    principal_id,
    identity_type,
    access_key_id,
    count(*) AS calls,
    count(*) FILTER (WHERE failed) AS failed_calls,
    min(time) AS first_seen,
    max(time) AS last_seen,
    min(time) FILTER (WHERE NOT failed) AS first_succeeded,
    max(time) FILTER (WHERE NOT failed) AS last_succeeded,
    min(time) FILTER (WHERE failed) AS first_failed,
    max(time) FILTER (WHERE failed) AS last_failed
FROM matches
GROUP BY GROUPING SETS (
    (),
    (api_name),
    (client_ip),
    (resource_id),
    (principal_id, identity_type),
    (access_key_id)
)
ORDER BY grouping, calls DESC, api_name, client_ip, resource_id, principal_id, access_key_id
