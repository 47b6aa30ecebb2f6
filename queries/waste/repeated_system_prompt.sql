-- repeated_system_prompt: the same system prompt (same model) was sent earlier, by any
-- request, within $cache_window_seconds, and is at least $min_cacheable_tokens long, yet was
-- not read from the cache. Waste = its tokens less the cached (read) tokens, which count
-- against the prefix first; tokens written to the cache again are waste too, at the write rate.
insert into request_waste
with system_prompts as (
    select
        request_id,
        -- the prompt's segment hashes in order, compared as a list (casting uhugeint hashes to
        -- text to join them was most of this rule's time)
        list(text_hash order by ordinal) as prompt_hashes,
        -- exact sums of decimals, the same whatever order DuckDB's threads add a request's rows in
        sum(tokens::decimal(38, 9))::double as tokens,
        sum((tokens - cached_tokens)::decimal(38, 9))::double as uncached_tokens,
        sum((cost_usd - cached_cost_usd)::decimal(38, 15))::double as uncached_cost_usd
    from segment_billing
    where kind = 'system'
    group by request_id
),

sent as (
    select
        system_prompts.*,
        requests.ts,
        lag(requests.ts) over (
            partition by requests.model, system_prompts.prompt_hashes
            order by requests.ts, requests.request_id
        ) as previous_ts
    from system_prompts
    inner join requests using (request_id)
)

select request_id, 'repeated_system_prompt' as category, uncached_tokens as tokens, uncached_cost_usd as cost_usd
from sent
anti join wasted_whole using (request_id)
where previous_ts is not null
  and ts - previous_ts <= to_seconds($cache_window_seconds)
  and tokens >= $min_cacheable_tokens
  and uncached_tokens > 0
