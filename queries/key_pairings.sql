-- name: key_pairings
-- description: The AAPs a client key is seen with anywhere in the store, at any time: records
--   with identity_type 'aap', the key as access_key_id and a principal_id. AAP names come with
--   surrounding white space removed (strip_space), as check_unattributed compares them.
-- parameters: target_id (client key ID)
SELECT strip_space(principal_id) AS aap_name, count(*) AS records, max(time) AS last_seen
FROM records
WHERE identity_type = 'aap'
  AND access_key_id = $target_id
  AND nullif(strip_space(principal_id), '') IS NOT NULL
GROUP BY aap_name
ORDER BY records DESC, aap_name
