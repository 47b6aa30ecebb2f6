-- scenario_results/ of the Parquet export: each request under each scenario (the baseline
-- included), with the request's UTC day and feature as partitions. Written when scenarios ran.
with request_days as (
    select request_id, ts::date as day
    from requests
),

results as (
    select * from scenario_results
)

select
    results.scenario,
    results.request_id,
    results.user_id,
    results.model,
    results.input_tokens,
    results.output_tokens,
    results.cached_tokens,
    results.cost_usd,
    results.latency_ms,
    results.response_cache_hit,
    results.routed,
    results.truncated,
    results.blocked,
    request_days.day,
    results.feature
from results
inner join request_days using (request_id)
