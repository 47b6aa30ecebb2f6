-- Waste per category, overall (feature is null) and per feature.
select
    grouping(requests.feature) = 1 as overall,
    requests.feature,
    request_waste.category,
    sum(request_waste.tokens) as tokens,
    sum(request_waste.cost_usd) as cost_usd,
    count(distinct request_waste.request_id) as requests
from request_waste
inner join requests using (request_id)
group by grouping sets ((request_waste.category), (requests.feature, request_waste.category))
