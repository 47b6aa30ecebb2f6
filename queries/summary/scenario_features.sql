-- Each scenario's cost per feature against the baseline's.
-- Costs and tokens are summed as decimals, exactly: the same result on every run (docs/scale.md,
-- "The same numbers on every run").
with per_feature as (
    select scenario, feature, sum(cost_usd::decimal(38, 15))::double as cost_usd, count(*) filter (where blocked) as blocked_requests
    from scenario_results
    group by scenario, feature
)

select
    per_feature.scenario,
    per_feature.feature,
    per_feature.cost_usd,
    baseline.cost_usd - per_feature.cost_usd as savings_usd,
    per_feature.blocked_requests
from per_feature
inner join per_feature as baseline on baseline.scenario = 'baseline' and baseline.feature = per_feature.feature
order by per_feature.scenario, per_feature.feature
