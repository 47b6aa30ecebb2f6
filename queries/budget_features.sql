-- Per feature, what its budgets are checked against: cost, p95 logged latency, and the requests
-- over an input-token limit ($max_input_tokens; their ids, first 20 by size).
-- Costs and tokens are summed as decimals, exactly: the same result on every run (docs/scale.md,
-- "The same numbers on every run").
with feature_requests as (
    select requests.request_id, requests.latency_ms, request_costs.cost_usd, request_tokens.input_tokens
    from requests
    inner join request_costs using (request_id)
    inner join request_tokens using (request_id)
    where requests.feature = $feature
)

select
    count(*) as requests,
    coalesce(sum(cost_usd::decimal(38, 15))::double, 0) as cost_usd,
    quantile_cont(latency_ms, 0.95) as p95_latency_ms,
    max(input_tokens) as max_input_tokens,
    count(*) filter (where input_tokens > $max_input_tokens) as requests_over,
    list(request_id order by input_tokens desc, request_id) filter (where input_tokens > $max_input_tokens)[1:20] as request_ids_over
from feature_requests
