-- name: check_unattributed
-- description: Records in the window that could be any client key's use but name none: AAP
--   records without an access_key_id (the shared gateway may omit it) or without a
--   principal_id, and records of any other identity type but the RAM ones (cloud-account,
--   ram-user, ram-role), empty or unknown, that carry no access_key_id. Grouped by
--   principal_id; `paired_aaps` lists, for a record whose principal_id is empty but whose
--   access_key_id is set, the AAPs that key is seen with anywhere in the store. Names and IDs
--   come with surrounding white space removed by strip_space(), a macro that kmsaudit defines
--   on its DuckDB connections.
-- parameters: window_start, window_end
WITH candidates AS (
    SELECT
        CASE
            WHEN lower(strip_space(identity_type)) = 'aap' THEN 'aap'
            WHEN nullif(strip_space(identity_type), '') IS NULL THEN 'none'
            ELSE 'other'
        END AS identity,
        nullif(strip_space(principal_id), '') AS principal_id,
        nullif(strip_space(access_key_id), '') AS access_key_id
    FROM records
    WHERE day BETWEEN CAST($window_start AS DATE) AND CAST($window_end AS DATE)
      AND time >= $window_start
      AND time < $window_end
      AND coalesce(lower(strip_space(identity_type)), '')
          NOT IN ('cloud-account', 'ram-user', 'ram-role')
      AND (
          nullif(strip_space(access_key_id), '') IS NULL
          OR (lower(strip_space(identity_type)) = 'aap'
              AND nullif(strip_space(principal_id), '') IS NULL)
      )
),
pairings AS (
    SELECT
        strip_space(access_key_id) AS access_key_id,
        list(DISTINCT strip_space(principal_id) ORDER BY strip_space(principal_id)) AS paired_aaps
    FROM records
    WHERE lower(strip_space(identity_type)) = 'aap'
      AND nullif(strip_space(principal_id), '') IS NOT NULL
      AND strip_space(access_key_id) IN (SELECT access_key_id FROM candidates)
    GROUP BY ALL
)
SELECT
    identity,
    principal_id,
    access_key_id,
    coalesce(pairings.paired_aaps, []) AS paired_aaps,
    count(*) AS records
FROM candidates
LEFT JOIN pairings USING (access_key_id)
GROUP BY ALL
ORDER BY records DESC, identity, principal_id, access_key_id
