-- name: check_unattributed
-- description: Records in the window that could be any client key's use but name none: AAP
--   records without an access_key_id (the shared gateway may omit it), and records with neither
--   an identity_type nor an access_key_id. Grouped by principal_id; `paired_aaps` lists, for an
--   AAP record whose principal_id is empty but whose access_key_id is set, the AAPs that key is
--   seen with anywhere in the store. Names and IDs come with surrounding white space removed by
--   strip_space(), a macro that kmsaudit defines on its DuckDB connections.
-- parameters: window_start, window_end
WITH candidates AS (
    SELECT
        CASE WHEN lower(strip_space(identity_type)) = 'aap' THEN 'aap' ELSE 'none' END AS identity,
        nullif(strip_space(principal_id), '') AS principal_id,
        nullif(strip_space(access_key_id), '') AS access_key_id
    FROM records
    WHERE day BETWEEN CAST($window_start AS DATE) AND CAST($window_end AS DATE)
      AND time >= $window_start
      AND time < $window_end
      AND (
          (lower(strip_space(identity_type)) = 'aap'
              AND (nullif(strip_space(access_key_id), '') IS NULL
                   OR nullif(strip_space(principal_id), '') IS NULL))
          OR (nullif(strip_space(identity_type), '') IS NULL
              AND nullif(strip_space(access_key_id), '') IS NULL)
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
