-- Every request in time order (its place in replay_order) with what the replay needs: billed tokens and cost, the cache
-- key, raw prompt tokens per encoding. Its prompt segments come from replay_segments, sorted the
-- same way.
with recounts as (
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
    -- a request has one user segment at most (segmentRequest)
    select segments.request_id, texts.text as question
    from segments
    inner join texts using (text_hash)
    where segments.kind = 'user' and $with_questions
)

select
    replay_order.seq,
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
    questions.question,
    recounts.o200k_base as prompt_tokens_o200k,
    recounts.cl100k_base as prompt_tokens_cl100k
from requests
inner join replay_order using (request_id)
inner join request_tokens using (request_id)
inner join request_costs using (request_id)
left join questions using (request_id)
left join recounts using (request_id)
order by replay_order.seq
