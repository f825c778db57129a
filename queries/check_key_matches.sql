-- name: check_key_matches
-- description: Records in the window whose access_key_id equals the client key ID exactly. Each
--   one proves that an application has the key; failed calls (HTTP 4xx/5xx) prove it too.
-- parameters: target_id (client key ID), window_start, window_end (UTC timestamps, end excluded)
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
  AND access_key_id = $target_id
