-- The scenario_results view over a Parquet export that has scenario_results/ (the run replayed
-- scenarios), for queries/summary/scenarios.sql, scenario_features.sql and blocked_users.sql.
-- Run like attach_views.sql: from inside the export folder.
create or replace view scenario_results as
select
    scenario, request_id, feature, user_id, model, input_tokens, output_tokens, cached_tokens,
    cost_usd, latency_ms, response_cache_hit, routed, truncated, blocked
from read_parquet('scenario_results/*/*/*.parquet', hive_partitioning = true,
                  hive_types = {'day': 'date', 'feature': 'varchar'});
