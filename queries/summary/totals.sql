-- summary.json `totals`.
with costs as (
    select request_id, input_tokens, output_tokens, cached_input_tokens, cost_usd
    from request_costs
),

waste as (
    select sum(tokens) as waste_tokens, sum(cost_usd) as waste_cost_usd
    from request_waste
)

select
    count(*) as requests,
    coalesce(sum(input_tokens), 0) as input_tokens,
    coalesce(sum(output_tokens), 0) as output_tokens,
    coalesce(sum(cached_input_tokens), 0) as cached_input_tokens,
    coalesce(fsum(cost_usd), 0) as cost_usd,
    coalesce(any_value(waste.waste_tokens), 0) as waste_tokens,
    coalesce(any_value(waste.waste_cost_usd), 0) as waste_cost_usd
from costs
cross join waste
