-- request_waste/ of the Parquet export: the waste rows (request, category, tokens, cost) of the
-- run's requests, with the request's UTC day and feature as partitions.
with request_partitions as (
    select request_id, ts::date as day, feature
    from requests
),

waste as (
    select * from request_waste
)

select
    waste.request_id,
    waste.category,
    waste.tokens,
    waste.cost_usd,
    request_partitions.day,
    request_partitions.feature
from waste
inner join request_partitions using (request_id)
