-- failed_request: status error, or an empty output with billed input tokens. The whole
-- request is waste (at what it billed). A request already counted as a duplicate stays one.
insert into request_waste
with outputs as (
    select distinct request_id from segments where kind = 'output'
),

failed as (
    select requests.request_id
    from requests
    inner join request_tokens using (request_id)
    left join outputs using (request_id)
    where requests.status = 'error'
       or (outputs.request_id is null and request_tokens.output_tokens = 0 and request_tokens.input_tokens > 0)
)

select
    failed.request_id,
    'failed_request' as category,
    request_costs.input_tokens + request_costs.output_tokens as tokens,
    request_costs.cost_usd
from failed
inner join request_costs using (request_id)
anti join request_waste using (request_id)
