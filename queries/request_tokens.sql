-- Tokens per request: recounted from the texts (segments + OpenAI chat-format overhead), the
-- logged usage, what is billed (logged usage when present, else the recount), and the
-- calibration factor that scales segment counts to the logged input.
-- Its joins run in the order written (Database.withJoinsAsWritten): text_tokens is joined last,
-- on both the segment's text_hash and the encoding of its request's model.
create or replace table request_tokens as
with requests_in_scope as (
    select
        requests.*,
        model_encodings.encoding,
        -- OpenAI's chat format: 3 tokens per message plus its role (one token), the name and one
        -- more token when a message has a name, 3 tokens priming the reply. Models with another
        -- (unpublished) format get none: their segments are calibrated to the whole logged input.
        case when model_encodings.exact
            then 4 * requests.message_count + requests.name_tokens + requests.name_count + 3
            else 0
        end as overhead_tokens
    from requests
    inner join model_encodings using (model)
),

segment_tokens as (
    select
        segments.request_id,
        sum(text_tokens.tokens) filter (where segments.kind <> 'output') as prompt_segment_tokens,
        -- recount whole messages: a user message cut into chunks counts as the whole message
        sum(text_tokens.tokens) filter (
            where segments.kind <> 'output'
              and not (requests.user_message_hash is not null
                       and segments.kind in ('retrieval', 'user')
                       and segments.message_index is not null)
        ) as unsplit_tokens,
        sum(text_tokens.tokens) filter (where segments.kind = 'output') as output_text_tokens
    from segments
    inner join requests using (request_id)
    inner join model_encodings using (model)
    inner join text_tokens
        on text_tokens.text_hash = segments.text_hash and text_tokens.encoding = model_encodings.encoding
    group by segments.request_id
),

recounted as (
    select
        r.request_id,
        r.has_text,
        coalesce(s.prompt_segment_tokens, 0) as prompt_segment_tokens,
        case when r.has_text then
            coalesce(s.unsplit_tokens, 0) + coalesce(whole_user.tokens, 0) + r.overhead_tokens
        end as recounted_input_tokens,
        case when r.has_text then r.overhead_tokens end as chat_overhead_tokens,
        coalesce(s.output_text_tokens, 0) as recounted_output_tokens,
        r.usage_input_tokens,
        r.usage_output_tokens,
        r.usage_cached_input_tokens,
        r.usage_cache_write_tokens,
        r.usage_cache_write_1h_tokens
    from requests_in_scope as r
    left join segment_tokens as s using (request_id)
    left join text_tokens as whole_user
        on whole_user.text_hash = r.user_message_hash and whole_user.encoding = r.encoding
)

select
    request_id,
    recounted_input_tokens,
    recounted_output_tokens,
    chat_overhead_tokens,
    prompt_segment_tokens,
    coalesce(usage_input_tokens, recounted_input_tokens, 0) as input_tokens,
    coalesce(usage_output_tokens, case when has_text then recounted_output_tokens end, 0) as output_tokens,
    coalesce(usage_cached_input_tokens, 0) as cached_input_tokens,
    coalesce(usage_cache_write_tokens, 0) as cache_write_tokens,
    coalesce(usage_cache_write_1h_tokens, 0) as cache_write_1h_tokens,
    -- segment tokens × factor add up to the logged input less the chat overhead
    case
        when usage_input_tokens is not null and prompt_segment_tokens > 0
            then greatest(usage_input_tokens - chat_overhead_tokens, 0) / prompt_segment_tokens
        else 1.0
    end as calibration_factor
from recounted
