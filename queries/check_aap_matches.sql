-- name: check_aap_matches
-- description: Records in the window made through the AAP: identity_type is exactly 'aap' and
--   principal_id exactly the AAP name, or access_key_id is one of the AAP's client keys (from
--   the inventory; an empty list when none is known).
-- parameters: target_id (AAP name), client_key_ids (list of client key IDs), window_start,
--   window_end (UTC timestamps, end excluded)
SELECT
    time,
    request_id,
    api_name,
    status_code,
    error_code,
    coalesce(status_code >= 400, nullif(error_code, '') IS NOT NULL) AS failed,
    client_ip,
    resource_id,
    principal_id,
    identity_type,
    access_key_id,
    source_id
FROM records
WHERE day BETWEEN CAST($window_start AS DATE) AND CAST($window_end AS DATE)
  AND time >= $window_start
  AND time < $window_end
  AND (
      (identity_type = 'aap' AND principal_id = $target_id)
      OR list_contains(CAST($client_key_ids AS VARCHAR[]), access_key_id)
  )
