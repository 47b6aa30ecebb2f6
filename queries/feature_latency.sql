-- Logged latency p95 (ms) per feature, for the metrics file.
select feature, quantile_cont(latency_ms, 0.95) as p95_ms
from requests
where latency_ms is not null
group by feature
order by feature
