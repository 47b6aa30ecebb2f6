-- One row for each row replay_requests gives, without the joins that only add columns: its left
-- joins (questions, recounts) have a row per request at most, so the count is that of the inner
-- joins. Counting replay_requests itself summed every request's segment tokens again.
select 1
from requests
inner join replay_order using (request_id)
inner join request_tokens using (request_id)
inner join request_costs using (request_id)
