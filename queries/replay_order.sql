-- Each request's place in the replay: time order, ties by request id. replay_requests and
-- replay_segments both sort by it, and the replay reads their rows in step by this number, not
-- by comparing request ids; its results go in by this number too (queries/replay_results_insert).
-- A table, not a temp table: the results stream on several connections; the replay drops it.
create or replace table replay_order as
select request_id, feature, user_id, model, (row_number() over (order by ts, request_id))::double as seq
from requests
