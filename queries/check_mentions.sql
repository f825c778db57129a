-- name: check_mentions
-- description: Text fields of records in the window that mention the target ID or name, case
--   ignored, leaving out the records that prove use. An AAP name counts only as a whole word,
--   with no letter, digit, '_' or '-' right before or after it, so checking aap_pay does not
--   match aap_payments. A client key ID counts anywhere (clientKey_<ID>.json names it), since
--   its fixed length keeps it from matching another key. One row per field, with how many records mention the target there and a few
--   of their request IDs. Near matches (check_near_matches) also show up here in the identity
--   field, and the caller subtracts them.
-- parameters: target_kind ('key' or 'aap'), target_id, window_start, window_end
WITH mentioning AS (
    SELECT
        request_id AS mentioning_request_id,
        time AS mentioning_time,
        COLUMNS(lambda c: c NOT IN ('time', 'status_code', 'duration', '__time__',
                               '__time_ns_part__', 'dedup_key', 'source_id', 'source_line',
                               'day'))
    FROM records
    WHERE day BETWEEN CAST($window_start AS DATE) AND CAST($window_end AS DATE)
      AND time >= $window_start
      AND time < $window_end
      AND NOT coalesce(
          CASE WHEN $target_kind = 'key' THEN access_key_id = $target_id
               ELSE identity_type = 'aap' AND principal_id = $target_id END,
          false)
      AND contains(lower(concat_ws(chr(31), *COLUMNS(lambda c: c NOT IN (
              'time', 'status_code', 'duration', '__time__', '__time_ns_part__', 'dedup_key',
              'source_id', 'source_line', 'day')))), lower($target_id))
),
fields AS (
    UNPIVOT mentioning
    ON COLUMNS(* EXCLUDE (mentioning_request_id, mentioning_time))
    INTO NAME field VALUE value
)
SELECT
    field,
    count(*) AS records,
    list(mentioning_request_id ORDER BY mentioning_time)[1:5] AS sample_request_ids
FROM fields
WHERE contains(lower(value), lower($target_id))
  AND ($target_kind = 'key' OR regexp_matches(
      value, '(?i)(^|[^a-z0-9_-])' || regexp_escape($target_id) || '([^a-z0-9_-]|$)'))
GROUP BY field
ORDER BY records DESC, field
