-- summary.json `scenarios[]`: each scenario's totals against the baseline (same request set).
-- Costs and tokens are summed as decimals, exactly: the same result on every run (docs/scale.md,
-- "The same numbers on every run").
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
