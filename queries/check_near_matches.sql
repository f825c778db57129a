-- name: check_near_matches
-- description: Records in the window whose identity field equals the target only when case and
--   surrounding white space (Unicode spaces and byte-order marks included) are ignored: access_key_id for a client key, principal_id for an
--   AAP. Such a record may be the target's use, written differently by some export path.
--   strip_space() is a macro that kmsaudit defines on its DuckDB connections.
-- parameters: target_kind ('key' or 'aap'), target_id, window_start, window_end
SELECT
    CASE WHEN $target_kind = 'key' THEN access_key_id ELSE principal_id END AS written_as,
    count(*) AS records,
    min(time) AS first_seen,
    max(time) AS last_seen,
    list(request_id ORDER BY time)[1:5] AS sample_request_ids
FROM records
WHERE day BETWEEN CAST($window_start AS DATE) AND CAST($window_end AS DATE)
  AND time >= $window_start
  AND time < $window_end
  AND lower(strip_space(
          CASE WHEN $target_kind = 'key' THEN access_key_id ELSE principal_id END))
      = lower(strip_space($target_id))
  AND NOT coalesce(
      CASE WHEN $target_kind = 'key' THEN access_key_id = $target_id
           ELSE identity_type = 'aap' AND principal_id = $target_id END,
      false)
GROUP BY ALL
ORDER BY records DESC, written_as
