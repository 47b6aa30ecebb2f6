-- failed_request: status error, or an empty output with billed input tokens. The whole
-- request is waste (at what it billed). A request already counted as a duplicate stays one.
-- Only the few requests billed no output are looked up among the output segments: the distinct
-- request_ids of every output segment (a million at a million requests) were most of the rule's
-- time.
insert into request_waste
with no_output_billed as (
    select request_id
    from request_tokens
    where output_tokens = 0 and input_tokens > 0
),

with_output as (
    select distinct segments.request_id
    from segments
    semi join no_output_billed using (request_id)
    where segments.kind = 'output'
),

failed as (
    select requests.request_id
    from requests
    semi join request_tokens using (request_id)
    where requests.status = 'error'
    union
    select no_output_billed.request_id
    from no_output_billed
    semi join requests using (request_id)
    anti join with_output using (request_id)
)

select
    failed.request_id,
    'failed_request' as category,
    request_costs.input_tokens + request_costs.output_tokens as tokens,
    request_costs.cost_usd
from failed
inner join request_costs using (request_id)
anti join request_waste using (request_id)
