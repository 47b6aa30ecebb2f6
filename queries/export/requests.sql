-- requests/ of the Parquet export (--export-parquet DIR, docs/scale.md): one row per request the
-- run reports on, its canonical columns with its tokens, cost and waste, partitioned by UTC day
-- and feature. Hashes are 128-bit integers here; Parquet has no such type (DuckDB would write a
-- lossy double), so they go out as 32 lowercase hex digits.
with scoped_requests as (
    select * from requests
),

tokens as (
    select * from request_tokens
),

costs as (
    select * from request_costs
),

waste_by_category as (
    pivot (select request_id, category, tokens, cost_usd from request_waste)
    on category in ('duplicate_request', 'failed_request', 'repeated_system_prompt',
                    'history_overflow', 'unused_retrieval', 'verbose_output')
    using sum(tokens) as tokens, sum(cost_usd) as usd
    group by request_id
),

waste_totals as (
    select request_id, sum(tokens) as waste_tokens, sum(cost_usd) as waste_cost_usd
    from request_waste
    group by request_id
)

select
    -- the canonical request (stored_requests)
    scoped_requests.request_id,
    scoped_requests.ts,
    scoped_requests.user_id,
    scoped_requests.session_id,
    scoped_requests.provider,
    scoped_requests.model,
    scoped_requests.has_text,
    scoped_requests.message_count,
    scoped_requests.name_count,
    scoped_requests.name_tokens,
    scoped_requests.choice_count,
    scoped_requests.finish_reason,
    scoped_requests.status,
    scoped_requests.batch,
    scoped_requests.usage_input_tokens,
    scoped_requests.usage_output_tokens,
    scoped_requests.usage_cached_input_tokens,
    scoped_requests.usage_cache_write_tokens,
    scoped_requests.usage_cache_write_1h_tokens,
    scoped_requests.usage_reasoning_tokens,
    scoped_requests.latency_ms,
    scoped_requests.ttft_ms,
    scoped_requests.max_tokens,
    scoped_requests.temperature,
    scoped_requests.n,
    format('{:032x}', scoped_requests.params_hash) as params_hash,
    case when scoped_requests.messages_hash is not null then format('{:032x}', scoped_requests.messages_hash) end as messages_hash,
    case when scoped_requests.user_message_hash is not null then format('{:032x}', scoped_requests.user_message_hash) end as user_message_hash,
    scoped_requests.logged_cost_usd,
    scoped_requests.format,
    scoped_requests.source_file,
    scoped_requests.source_line,
    -- tokens (request_tokens)
    tokens.recounted_input_tokens,
    tokens.recounted_output_tokens,
    tokens.chat_overhead_tokens,
    tokens.prompt_segment_tokens,
    tokens.input_tokens,
    tokens.output_tokens,
    tokens.cached_input_tokens,
    tokens.cache_write_tokens,
    tokens.cache_write_1h_tokens,
    tokens.calibration_factor,
    -- cost (request_costs)
    costs.priced,
    costs.uncached_input_tokens,
    costs.uncached_input_cost_usd,
    costs.cached_input_cost_usd,
    costs.cache_write_cost_usd,
    costs.output_cost_usd,
    costs.cost_usd,
    -- waste (request_waste, by category; the rows themselves are in request_waste/)
    coalesce(waste_totals.waste_tokens, 0) as waste_tokens,
    coalesce(waste_totals.waste_cost_usd, 0) as waste_cost_usd,
    coalesce(waste_by_category.duplicate_request_tokens, 0) as duplicate_request_tokens,
    coalesce(waste_by_category.duplicate_request_usd, 0) as duplicate_request_usd,
    coalesce(waste_by_category.failed_request_tokens, 0) as failed_request_tokens,
    coalesce(waste_by_category.failed_request_usd, 0) as failed_request_usd,
    coalesce(waste_by_category.repeated_system_prompt_tokens, 0) as repeated_system_prompt_tokens,
    coalesce(waste_by_category.repeated_system_prompt_usd, 0) as repeated_system_prompt_usd,
    coalesce(waste_by_category.history_overflow_tokens, 0) as history_overflow_tokens,
    coalesce(waste_by_category.history_overflow_usd, 0) as history_overflow_usd,
    coalesce(waste_by_category.unused_retrieval_tokens, 0) as unused_retrieval_tokens,
    coalesce(waste_by_category.unused_retrieval_usd, 0) as unused_retrieval_usd,
    coalesce(waste_by_category.verbose_output_tokens, 0) as verbose_output_tokens,
    coalesce(waste_by_category.verbose_output_usd, 0) as verbose_output_usd,
    -- partition columns (written as day=…/feature=… folders, not inside the files)
    scoped_requests.ts::date as day,
    scoped_requests.feature
from scoped_requests
inner join tokens using (request_id)
inner join costs using (request_id)
left join waste_totals using (request_id)
left join waste_by_category using (request_id)
