-- name: check_unattributed
-- description: Records in the window that could be any client key's use but name none: AAP
--   records without an access_key_id (the shared gateway may omit it), and records with neither
--   an identity_type nor an access_key_id. Grouped by principal_id; `paired_aaps` lists, for an
--   AAP record whose principal_id is empty but whose access_key_id is set, the AAPs that key is
--   seen with anywhere in the store.
-- parameters: window_start, window_end
WITH candidates AS (
    SELECT
        CASE WHEN lower(trim(identity_type)) = 'aap' THEN 'aap' ELSE 'none' END AS identity,
        nullif(trim(principal_id), '') AS principal_id,
        nullif(trim(access_key_id), '') AS access_key_id
    FROM records
    WHERE day BETWEEN CAST($window_start AS DATE) AND CAST($window_end AS DATE)
      AND time >= $window_start
      AND time < $window_end
      AND (
          (lower(trim(identity_type)) = 'aap'
              AND (nullif(trim(access_key_id), '') IS NULL
                   OR nullif(trim(principal_id), '') IS NULL))
          OR (nullif(trim(identity_type), '') IS NULL
              AND nullif(trim(access_key_id), '') IS NULL)
      )
),
pairings AS (
    SELECT access_key_id, list(DISTINCT principal_id ORDER BY principal_id) AS paired_aaps
    FROM records
    WHERE identity_type = 'aap'
      AND nullif(principal_id, '') IS NOT NULL
      AND access_key_id IN (SELECT access_key_id FROM candidates)
    GROUP BY access_key_id
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
