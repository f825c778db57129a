-- name: store_time_range
-- description: The first and last stored record before the window's end.
-- parameters: window_end (UTC timestamp, excluded)
SELECT min(time) AS first_record, max(time) AS last_record, count(*) AS records
FROM records
WHERE day <= CAST($window_end AS DATE)
  AND time < $window_end
