-- Materialized once per run (every waste rule, the replay and the report read it).
-- Each prompt segment's tokens (calibrated to the logged input) and how they were billed:
-- cached tokens count against the prompt prefix first (reads, then writes), the rest is
-- uncached. Waste is priced from here, at the rate its segment was billed.
create or replace table segment_billing as
with prompt_segments as (
    select
        segments.request_id,
        segments.ordinal,
        segments.kind,
        segments.message_index,
        segments.chunk_id,
        segments.text_hash,
        text_tokens.tokens * request_tokens.calibration_factor as tokens
    from segments
    inner join requests using (request_id)
    inner join model_encodings using (model)
    inner join text_tokens
        on text_tokens.text_hash = segments.text_hash and text_tokens.encoding = model_encodings.encoding
    inner join request_tokens using (request_id)
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
        greatest(0, least(start_token + tokens, t.cached_input_tokens) - start_token) as cached_tokens,
        greatest(0, least(start_token + tokens, t.cached_input_tokens + t.cache_write_tokens)
            - greatest(start_token, t.cached_input_tokens)) as cache_write_tokens
    from placed
    inner join request_tokens as t using (request_id)
)

select
    split.request_id,
    split.ordinal,
    split.kind,
    split.message_index,
    split.chunk_id,
    split.text_hash,
    split.tokens,
    split.cached_tokens,
    split.cache_write_tokens,
    split.tokens - split.cached_tokens - split.cache_write_tokens as uncached_tokens,
    split.cached_tokens * rates.cached_input_usd_per_token as cached_cost_usd,
    split.cached_tokens * rates.cached_input_usd_per_token
        + split.cache_write_tokens * rates.cache_write_usd_per_token
        + (split.tokens - split.cached_tokens - split.cache_write_tokens) * rates.input_usd_per_token as cost_usd
from split
inner join request_rates as rates using (request_id)
