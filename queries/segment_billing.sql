-- Materialized once per run (every waste rule, the replay and the report read it).
-- Each prompt segment's tokens (calibrated to the logged input) and how they were billed:
-- cached tokens count against the prompt prefix first (reads, then writes), the rest is
-- uncached. Waste is priced from here, at the rate its segment was billed.
-- Each request's rates and billed cache tokens are joined once, before its segments, not
-- once per segment (a million requests have about 7M prompt segments).
-- Its joins run in the order written (Database.withJoinsAsWritten): text_tokens is joined last,
-- on both the segment's text_hash and the encoding of its request's model.
create or replace table segment_billing as
with billed_requests as (
    select
        requests.request_id,
        model_encodings.encoding,
        request_tokens.calibration_factor,
        request_tokens.cached_input_tokens,
        request_tokens.cache_write_tokens,
        rates.input_usd_per_token,
        rates.cached_input_usd_per_token,
        rates.cache_write_usd_per_token
    from requests
    inner join model_encodings using (model)
    inner join request_tokens using (request_id)
    inner join request_rates as rates using (request_id)
),

prompt_segments as (
    select
        segments.request_id,
        segments.ordinal,
        segments.kind,
        segments.message_index,
        segments.chunk_id,
        segments.text_hash,
        text_tokens.tokens * billed_requests.calibration_factor as tokens,
        billed_requests.cached_input_tokens as request_cached_tokens,
        billed_requests.cache_write_tokens as request_cache_write_tokens,
        billed_requests.input_usd_per_token,
        billed_requests.cached_input_usd_per_token,
        billed_requests.cache_write_usd_per_token
    from segments
    inner join billed_requests using (request_id)
    inner join text_tokens
        on text_tokens.text_hash = segments.text_hash and text_tokens.encoding = billed_requests.encoding
    where segments.kind <> 'output'
),

placed as (
    select
        *,
        coalesce(sum(tokens) over (
            partition by request_id order by ordinal rows between unbounded preceding and 1 preceding
        ), 0) as start_token
    from prompt_segments
),

split as (
    select
        placed.*,
        greatest(0, least(start_token + tokens, request_cached_tokens) - start_token) as cached_tokens,
        greatest(0, least(start_token + tokens, request_cached_tokens + request_cache_write_tokens)
            - greatest(start_token, request_cached_tokens)) as cache_write_tokens
    from placed
)

select
    request_id,
    ordinal,
    kind,
    message_index,
    chunk_id,
    text_hash,
    tokens,
    cached_tokens,
    cache_write_tokens,
    tokens - cached_tokens - cache_write_tokens as uncached_tokens,
    cached_tokens * cached_input_usd_per_token as cached_cost_usd,
    cached_tokens * cached_input_usd_per_token
        + cache_write_tokens * cache_write_usd_per_token
        + (tokens - cached_tokens - cache_write_tokens) * input_usd_per_token as cost_usd
from split
