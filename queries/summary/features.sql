-- summary.json `features[]`, ranked by waste ratio (ties: the larger waste cost first).
-- Costs and tokens are summed as decimals, exactly: the same result on every run (docs/scale.md,
-- "The same numbers on every run").
with costs as (
    select requests.feature, request_costs.request_id, request_costs.cost_usd
    from request_costs
    inner join requests using (request_id)
),

feature_costs as (
    select feature, count(*) as requests, sum(cost_usd::decimal(38, 15))::double as cost_usd
    from costs
    group by feature
),

feature_waste as (
    select requests.feature, sum(request_waste.tokens::decimal(38, 9))::double as waste_tokens, sum(request_waste.cost_usd::decimal(38, 15))::double as waste_cost_usd
    from request_waste
    inner join requests using (request_id)
    group by requests.feature
)

select
    feature_costs.feature,
    feature_costs.requests,
    feature_costs.cost_usd,
    coalesce(feature_waste.waste_tokens, 0) as waste_tokens,
    coalesce(feature_waste.waste_cost_usd, 0) as waste_cost_usd,
    case when feature_costs.cost_usd > 0
        then coalesce(feature_waste.waste_cost_usd, 0) / feature_costs.cost_usd else 0 end as waste_ratio
from feature_costs
left join feature_waste using (feature)
order by waste_ratio desc, waste_cost_usd desc, feature
