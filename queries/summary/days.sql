-- summary.json `days[]`: the trend by UTC day.
-- Costs and tokens are summed as decimals, exactly: the same result on every run (docs/scale.md,
-- "The same numbers on every run").
with daily_costs as (
    select requests.ts::date as day, count(*) as requests, sum(request_costs.cost_usd::decimal(38, 15))::double as cost_usd
    from requests
    inner join request_costs using (request_id)
    group by day
),

daily_waste as (
    select requests.ts::date as day, sum(request_waste.cost_usd::decimal(38, 15))::double as waste_cost_usd
    from request_waste
    inner join requests using (request_id)
    group by day
)

select
    strftime(daily_costs.day, '%Y-%m-%d') as date,
    daily_costs.requests,
    daily_costs.cost_usd,
    coalesce(daily_waste.waste_cost_usd, 0) as waste_cost_usd,
    case when daily_costs.cost_usd > 0 then coalesce(daily_waste.waste_cost_usd, 0) / daily_costs.cost_usd else 0 end as waste_ratio
from daily_costs
left join daily_waste using (day)
order by daily_costs.day
