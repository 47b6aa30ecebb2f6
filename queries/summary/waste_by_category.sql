-- Waste per category, overall (feature is null) and per feature.
-- Costs and tokens are summed as decimals, exactly: the same result on every run (docs/scale.md,
-- "The same numbers on every run").
select
    grouping(requests.feature) = 1 as overall,
    requests.feature,
    request_waste.category,
    sum(request_waste.tokens::decimal(38, 9))::double as tokens,
    sum(request_waste.cost_usd::decimal(38, 15))::double as cost_usd,
    count(distinct request_waste.request_id) as requests
from request_waste
inner join requests using (request_id)
group by grouping sets ((request_waste.category), (requests.feature, request_waste.category))
