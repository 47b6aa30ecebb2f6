-- duplicate_request: the same model, messages and params as an earlier ok request within
-- $window_seconds. The whole request (input + output) is waste. Requests at the same instant
-- are ordered by request_id.
insert into request_waste
with keyed as (
    select
        request_id,
        ts,
        max(case when status = 'ok' then ts end) over (
            partition by model, messages_hash, params_hash
            order by ts, request_id
            rows between unbounded preceding and 1 preceding
        ) as previous_ok_ts
    from requests
    where messages_hash is not null
)

select
    keyed.request_id,
    'duplicate_request' as category,
    request_costs.input_tokens + request_costs.output_tokens as tokens,
    request_costs.cost_usd
from keyed
inner join request_costs using (request_id)
where keyed.previous_ok_ts is not null
  and keyed.ts - keyed.previous_ok_ts <= to_seconds($window_seconds)
