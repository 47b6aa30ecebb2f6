-- summary.json `totals`.
-- Costs and tokens are summed as decimals, exactly: the same result on every run (docs/scale.md,
-- "The same numbers on every run").
with costs as (
    select request_id, input_tokens, output_tokens, cached_input_tokens, cost_usd
    from request_costs
),

waste as (
    select sum(tokens::decimal(38, 9))::double as waste_tokens, sum(cost_usd::decimal(38, 15))::double as waste_cost_usd
    from request_waste
)

select
    count(*) as requests,
    coalesce(sum(input_tokens), 0) as input_tokens,
    coalesce(sum(output_tokens), 0) as output_tokens,
    coalesce(sum(cached_input_tokens), 0) as cached_input_tokens,
    coalesce(sum(cost_usd::decimal(38, 15))::double, 0) as cost_usd,
    coalesce(any_value(waste.waste_tokens), 0) as waste_tokens,
    coalesce(any_value(waste.waste_cost_usd), 0) as waste_cost_usd
from costs
cross join waste
