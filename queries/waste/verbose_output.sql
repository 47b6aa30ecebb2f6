-- verbose_output: output tokens over the feature's budget — the configured one
-- (output_budgets), else 2 × the median output tokens of the feature's ok requests
-- (duplicates included). Waste = output − budget, at the output rate.
insert into request_waste
with ok_medians as (
    select requests.feature, median(request_tokens.output_tokens) as median_output_tokens
    from requests
    inner join request_tokens using (request_id)
    where requests.status = 'ok'
    group by requests.feature
),

budgets as (
    select
        coalesce(output_budgets.feature, ok_medians.feature) as feature,
        coalesce(output_budgets.budget_tokens, 2 * ok_medians.median_output_tokens) as budget_tokens
    from ok_medians
    full outer join output_budgets using (feature)
)

select
    requests.request_id,
    'verbose_output' as category,
    request_tokens.output_tokens - budgets.budget_tokens as tokens,
    (request_tokens.output_tokens - budgets.budget_tokens) * request_rates.output_usd_per_token as cost_usd
from requests
inner join request_tokens using (request_id)
inner join request_rates using (request_id)
inner join budgets using (feature)
anti join wasted_whole using (request_id)
where request_tokens.output_tokens > budgets.budget_tokens
