-- What the replay appends for each request and scenario, by number (src/simulate/result-chunks.ts):
-- the scenario's position, the request's place in replay_order, and the model only when a policy
-- routed it elsewhere. replay_results_insert names them in scenario_results; the replay drops it.
create or replace table replay_results (
    scenario_no        integer not null,
    seq                double  not null,
    routed_model       varchar,
    input_tokens       double  not null,
    output_tokens      double  not null,
    cached_tokens      double  not null,
    cost_usd           double  not null,
    latency_ms         double,
    response_cache_hit boolean not null,
    routed             boolean not null,
    truncated          boolean not null,
    blocked            boolean not null
)
