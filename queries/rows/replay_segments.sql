-- One row for each row replay_segments gives, without its sort or its left join to chunk_usage
-- (a row per retrieval segment at most): counting replay_segments itself sorted every prompt
-- segment again (0.4 s against 0.06 s at 200k requests).
select 1
from segment_billing
inner join replay_order using (request_id)
