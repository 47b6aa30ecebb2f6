-- What the replay appends for each request and scenario, by number (src/simulate/result-chunks.ts):
-- the scenario's position, the request's place in replay_order, and the model only when a policy
-- routed it elsewhere; then scenario_results' own figures, in its order. replay_results_insert
-- names them in scenario_results; the replay drops it.
create or replace table replay_results as
select
    0::integer as scenario_no,
    0::double as seq,
    null::varchar as routed_model,
    * exclude (scenario, request_id, feature, user_id, model)
from scenario_results
limit 0
