-- summary.json `models[]`: volume, cost, whether the catalogue could price the model, and
-- token drift = Σ recounted input / Σ logged input − 1 over requests with both (null when none);
-- a call that logged no input (failed before billing, a gateway cache hit) is not comparable.
-- Costs and tokens are summed as decimals, exactly: the same result on every run (docs/scale.md,
-- "The same numbers on every run").
with per_request as (
    select
        requests.model,
        requests.provider,
        request_costs.input_tokens,
        request_costs.output_tokens,
        request_costs.cost_usd,
        request_costs.priced,
        request_tokens.recounted_input_tokens,
        requests.usage_input_tokens
    from requests
    inner join request_costs using (request_id)
    inner join request_tokens using (request_id)
)

select
    model,
    provider,
    count(*) as requests,
    sum(input_tokens) as input_tokens,
    sum(output_tokens) as output_tokens,
    sum(cost_usd::decimal(38, 15))::double as cost_usd,
    bool_and(priced) as priced,
    sum(recounted_input_tokens::decimal(38, 9)) filter (where recounted_input_tokens is not null and usage_input_tokens > 0)
        / nullif(sum(usage_input_tokens) filter (where recounted_input_tokens is not null and usage_input_tokens > 0), 0)
        - 1 as token_drift
from per_request
group by model, provider
order by cost_usd desc, model
