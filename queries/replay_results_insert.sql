-- The replay's results as scenario_results rows: the scenario by name ($scenarios, in the order
-- the replay numbered them), the request's id, feature and user, and the model it went to.
insert into scenario_results
select
    list_extract($scenarios, results.scenario_no + 1) as scenario,
    replay_order.request_id,
    replay_order.feature,
    replay_order.user_id,
    coalesce(results.routed_model, replay_order.model) as model,
    results.input_tokens,
    results.output_tokens,
    results.cached_tokens,
    results.cost_usd,
    results.latency_ms,
    results.response_cache_hit,
    results.routed,
    results.truncated,
    results.blocked
from replay_results as results
inner join replay_order using (seq)
