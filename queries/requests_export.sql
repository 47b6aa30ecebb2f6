-- One row per request with its tokens, cost and waste by category: requests.parquet, for
-- analysts to dig in with any tool.
with waste as (
    pivot (select request_id, category, tokens, cost_usd from request_waste)
    on category in ('duplicate_request', 'failed_request', 'repeated_system_prompt',
                    'history_overflow', 'unused_retrieval', 'verbose_output')
    using sum(tokens) as tokens, sum(cost_usd) as usd
    group by request_id
)

select
    requests.request_id,
    requests.ts as timestamp,
    requests.feature,
    requests.user_id,
    requests.session_id,
    requests.provider,
    requests.model,
    requests.status,
    requests.finish_reason,
    requests.batch,
    requests.latency_ms,
    requests.ttft_ms,
    request_tokens.input_tokens,
    request_tokens.output_tokens,
    request_tokens.cached_input_tokens,
    request_tokens.cache_write_tokens,
    request_tokens.recounted_input_tokens,
    request_tokens.recounted_output_tokens,
    request_tokens.calibration_factor,
    request_costs.priced,
    request_costs.cost_usd,
    coalesce(waste.duplicate_request_tokens, 0) as duplicate_request_tokens,
    coalesce(waste.duplicate_request_usd, 0) as duplicate_request_usd,
    coalesce(waste.failed_request_tokens, 0) as failed_request_tokens,
    coalesce(waste.failed_request_usd, 0) as failed_request_usd,
    coalesce(waste.repeated_system_prompt_tokens, 0) as repeated_system_prompt_tokens,
    coalesce(waste.repeated_system_prompt_usd, 0) as repeated_system_prompt_usd,
    coalesce(waste.history_overflow_tokens, 0) as history_overflow_tokens,
    coalesce(waste.history_overflow_usd, 0) as history_overflow_usd,
    coalesce(waste.unused_retrieval_tokens, 0) as unused_retrieval_tokens,
    coalesce(waste.unused_retrieval_usd, 0) as unused_retrieval_usd,
    coalesce(waste.verbose_output_tokens, 0) as verbose_output_tokens,
    coalesce(waste.verbose_output_usd, 0) as verbose_output_usd,
    requests.source_file,
    requests.source_line
from requests
inner join request_tokens using (request_id)
inner join request_costs using (request_id)
left join waste using (request_id)
order by requests.ts, requests.request_id
