-- Every request in time order with what the replay needs: billed tokens and cost, the cache
-- key, and its prompt segments (kind, calibrated tokens, whether a chunk was used, and a key for
-- the prompt prefix that ends with the segment, chained over the segment hashes).
with prompt_segments as (
    select
        segment_billing.request_id,
        segment_billing.ordinal,
        segment_billing.kind,
        segment_billing.tokens,
        chunk_usage.used,
        -- the prompt prefix ending here, as a running sum of each segment's (position, hash)
        -- hash: equal prefixes give equal sums, and the window streams (a list of the hashes
        -- so far grew with every segment and ran a million requests out of memory)
        sum(hash(segment_billing.ordinal, segment_billing.text_hash)) over (
            partition by segment_billing.request_id order by segment_billing.ordinal
            rows between unbounded preceding and current row
        ) as prefix_key
    from segment_billing
    left join chunk_usage using (request_id, ordinal)
),

segment_lists as (
    -- kind as its position in $segment_kinds (0-based); one ordered list of structs costs less
    -- than a list per field, and the replay reads the struct's field vectors directly
    select
        request_id,
        list({'kind': (list_position($segment_kinds, kind) - 1)::utinyint, 'tokens': tokens, 'used': used, 'prefixKey': prefix_key} order by ordinal) as segments
    from prompt_segments
    group by request_id
),

recounts as (
    -- raw prompt tokens per encoding, to recount a routed request in its target's encoding
    select
        segments.request_id,
        sum(text_tokens.tokens) filter (where text_tokens.encoding = 'o200k_base')::double as o200k_base,
        sum(text_tokens.tokens) filter (where text_tokens.encoding = 'cl100k_base')::double as cl100k_base
    from segments
    inner join text_tokens using (text_hash)
    where segments.kind <> 'output'
    group by segments.request_id
),

questions as (
    select segments.request_id, any_value(texts.text) as question
    from segments
    inner join texts using (text_hash)
    where segments.kind = 'user' and $with_questions
    group by segments.request_id
)

select
    requests.request_id,
    -- numbers as doubles (all integers below 2^53): no BigInt per value in the replay
    epoch_ms(requests.ts)::double as ts_ms,
    requests.feature,
    requests.provider,
    requests.model,
    requests.user_id,
    requests.status,
    requests.batch,
    requests.latency_ms,
    hash(requests.model, requests.messages_hash, requests.params_hash) as response_key,
    requests.messages_hash is not null as cacheable,
    request_tokens.input_tokens::double as input_tokens,
    request_tokens.output_tokens::double as output_tokens,
    request_tokens.cached_input_tokens::double as cached_input_tokens,
    request_tokens.cache_write_tokens::double as cache_write_tokens,
    request_tokens.cache_write_1h_tokens::double as cache_write_1h_tokens,
    request_costs.cost_usd,
    coalesce(segment_lists.segments, []) as segments,
    questions.question,
    recounts.o200k_base as prompt_tokens_o200k,
    recounts.cl100k_base as prompt_tokens_cl100k
from requests
inner join request_tokens using (request_id)
inner join request_costs using (request_id)
left join segment_lists using (request_id)
left join questions using (request_id)
left join recounts using (request_id)
order by requests.ts, requests.request_id
