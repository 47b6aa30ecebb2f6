-- Logged latencies per model for the latency fit: at most 20,000 per model, picked stably, in
-- a fixed order (the fit's sums come out the same to the last bit on every run).
select requests.model, request_tokens.input_tokens, request_tokens.output_tokens, requests.latency_ms, requests.ttft_ms
from requests
inner join request_tokens using (request_id)
where requests.latency_ms is not null and requests.status = 'ok'
qualify row_number() over (partition by requests.model order by hash(requests.request_id)) <= 20000
order by requests.model, requests.request_id
