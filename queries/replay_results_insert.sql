-- The replay's results as scenario_results rows: the scenario by name ($scenarios, in the order
-- the replay numbered them), the request's id, feature and user, and the model it went to.
insert into scenario_results
select
    list_extract($scenarios, results.scenario_no + 1) as scenario,
    replay_order.request_id,
    replay_order.feature,
    replay_order.user_id,
    coalesce(results.routed_model, replay_order.model) as model,
    results.* exclude (scenario_no, seq, routed_model)
from replay_results as results
inner join replay_order using (seq)
