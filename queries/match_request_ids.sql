-- name: match_request_ids
-- description: Request IDs of the records that proved use, newest first, for an evidence
--   bundle; `limit` caps how many are listed.
-- parameters: limit
SELECT request_id, time, failed
FROM matches
ORDER BY time DESC, request_id
LIMIT $limit
