-- Appends the staged requests whose request_id the database does not hold yet.
insert into stored_requests
select
    request_id, make_timestamp(ts_ms * 1000) as ts, feature, user_id, session_id, provider, model,
    has_text, message_count, name_count, name_tokens, choice_count, finish_reason, status, batch,
    usage_input_tokens, usage_output_tokens, usage_cached_input_tokens, usage_cache_write_tokens,
    usage_cache_write_1h_tokens, usage_reasoning_tokens, latency_ms, ttft_ms, max_tokens,
    temperature, n, params_hash, messages_hash, user_message_hash, logged_cost_usd, format, source_file, source_line
from stage_requests
where is_new
