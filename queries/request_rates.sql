-- The per-token rates (USD) each request was billed at: the catalogue entry in force at its
-- timestamp, the long-context tier its input falls in, halved for batch. Unknown models: 0.
create or replace table request_rates as
with priced_requests as (
    select
        requests.request_id,
        requests.provider,
        requests.model,
        requests.ts,
        requests.batch,
        request_tokens.input_tokens,
        request_tokens.cache_write_tokens,
        request_tokens.cache_write_1h_tokens
    from requests
    inner join request_tokens using (request_id)
),

tiers as (
    select
        priced_requests.request_id,
        model_rates.*,
        row_number() over (partition by priced_requests.request_id order by model_rates.tier_start desc) as tier_rank
    from priced_requests
    inner join model_rates
        on model_rates.provider = priced_requests.provider
       and model_rates.model = priced_requests.model
       and model_rates.bucket = date_trunc(model_rates.bucket_unit, priced_requests.ts)
       and model_rates.tier_start < priced_requests.input_tokens
)

select
    priced_requests.request_id,
    coalesce(tiers.priced, false) as priced,
    case when priced_requests.batch then 0.5 else 1.0 end / 1e6 as per_mtok,
    coalesce(tiers.input_per_mtok, 0) * per_mtok as input_usd_per_token,
    coalesce(tiers.cached_input_per_mtok, 0) * per_mtok as cached_input_usd_per_token,
    coalesce(tiers.cache_write_per_mtok, 0) * per_mtok as cache_write_5m_usd_per_token,
    coalesce(tiers.cache_write_1h_per_mtok, 0) * per_mtok as cache_write_1h_usd_per_token,
    -- one blended write rate for the request's mix of 5-minute and 1-hour writes
    case when priced_requests.cache_write_tokens > 0
        then ((priced_requests.cache_write_tokens - priced_requests.cache_write_1h_tokens) * cache_write_5m_usd_per_token
              + priced_requests.cache_write_1h_tokens * cache_write_1h_usd_per_token) / priced_requests.cache_write_tokens
        else cache_write_5m_usd_per_token
    end as cache_write_usd_per_token,
    coalesce(tiers.output_per_mtok, 0) * per_mtok as output_usd_per_token
from priced_requests
left join tiers on tiers.request_id = priced_requests.request_id and tiers.tier_rank = 1
