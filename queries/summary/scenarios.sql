-- summary.json `scenarios[]`: each scenario's totals against the baseline (same request set).
-- Sums of doubles (costs, calibrated tokens) are exact sums of decimals (15 places for dollars,
-- 9 for tokens), the same whatever order DuckDB's threads add them in: a sum() of doubles, or
-- fsum(), moved in its last bits from one run to the next on the same database.
with totals as (
    select
        scenario,
        sum(cost_usd::decimal(38, 15))::double as cost_usd,
        sum(input_tokens::decimal(38, 9))::double as input_tokens,
        sum(output_tokens::decimal(38, 9))::double as output_tokens,
        sum(cached_tokens::decimal(38, 9))::double as prefix_cached_tokens,
        quantile_cont(latency_ms, 0.5) as p50,
        quantile_cont(latency_ms, 0.95) as p95,
        quantile_cont(latency_ms, 0.99) as p99,
        count(*) filter (where response_cache_hit) as response_cache_hits,
        count(*) filter (where routed) as routed_requests,
        count(*) filter (where truncated) as truncated_outputs,
        count(*) filter (where blocked) as blocked_requests,
        count(distinct user_id) filter (where blocked) as blocked_users
    from scenario_results
    group by scenario
),

baseline as (
    select cost_usd as baseline_cost_usd from totals where scenario = 'baseline'
)

select
    totals.*,
    baseline.baseline_cost_usd - totals.cost_usd as savings_usd,
    case when baseline.baseline_cost_usd > 0
        then (baseline.baseline_cost_usd - totals.cost_usd) / baseline.baseline_cost_usd else 0 end as savings_ratio
from totals
cross join baseline
