-- Logged latency percentiles (ms) by feature and by model, with how many requests had one.
select
    grouping(feature) = 1 as by_model,
    coalesce(feature, model) as name,
    count(latency_ms) as sample_size,
    quantile_cont(latency_ms, 0.5) as p50,
    quantile_cont(latency_ms, 0.95) as p95,
    quantile_cont(latency_ms, 0.99) as p99
from requests
where latency_ms is not null
group by grouping sets ((feature), (model))
order by by_model, name
