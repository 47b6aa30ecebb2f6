-- Logged latencies per model for the latency fit: at most 20,000 per model, picked stably.
select requests.model, request_tokens.input_tokens, request_tokens.output_tokens, requests.latency_ms, requests.ttft_ms
from requests
inner join request_tokens using (request_id)
where requests.latency_ms is not null and requests.status = 'ok'
qualify row_number() over (partition by requests.model order by hash(requests.request_id)) <= 20000
