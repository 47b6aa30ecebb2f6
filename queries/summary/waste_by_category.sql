-- Waste per category, overall (feature is null) and per feature.
-- Sums of doubles (costs, calibrated tokens) are exact sums of decimals (15 places for dollars,
-- 9 for tokens), the same whatever order DuckDB's threads add them in: a sum() of doubles, or
-- fsum(), moved in its last bits from one run to the next on the same database.
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
