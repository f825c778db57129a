-- name: key_pairings
-- description: The AAPs a client key is seen with anywhere in the store, at any time: records
--   with identity_type 'aap', the key as access_key_id and a principal_id.
-- parameters: target_id (client key ID)
SELECT principal_id AS aap_name, count(*) AS records, max(time) AS last_seen
FROM records
WHERE identity_type = 'aap'
  AND access_key_id = $target_id
  AND nullif(principal_id, '') IS NOT NULL
GROUP BY principal_id
ORDER BY records DESC, aap_name
