-- The users each scenario's caps would have blocked, with how many of their requests.
select scenario, user_id, count(*) as blocked_requests
from scenario_results
where blocked
group by scenario, user_id
order by scenario, blocked_requests desc, user_id
