-- The requests this run reports on: every stored request, or those from --since (inclusive)
-- to --until (exclusive). Every rollup reads this view; only loading writes stored_requests.
create or replace view requests as
select *
from stored_requests
where ts >= $since and ts < $until
