-- Each scenario's cost per feature against the baseline's.
-- Sums of doubles (costs, calibrated tokens) are exact sums of decimals (15 places for dollars,
-- 9 for tokens), the same whatever order DuckDB's threads add them in: a sum() of doubles, or
-- fsum(), moved in its last bits from one run to the next on the same database.
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
