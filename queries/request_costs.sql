-- What each request cost: billed tokens (request_tokens) at its rates (request_rates).
-- Uncached input = input − cache reads − cache writes. Unknown models cost 0, priced = false.
create or replace table request_costs as
select
    request_tokens.request_id,
    request_rates.priced,
    request_tokens.input_tokens,
    request_tokens.output_tokens,
    request_tokens.cached_input_tokens,
    request_tokens.cache_write_tokens,
    request_tokens.cache_write_1h_tokens,
    request_tokens.input_tokens - request_tokens.cached_input_tokens - request_tokens.cache_write_tokens
        as uncached_input_tokens,
    uncached_input_tokens * request_rates.input_usd_per_token as uncached_input_cost_usd,
    request_tokens.cached_input_tokens * request_rates.cached_input_usd_per_token as cached_input_cost_usd,
    request_tokens.cache_write_tokens * request_rates.cache_write_usd_per_token as cache_write_cost_usd,
    request_tokens.output_tokens * request_rates.output_usd_per_token as output_cost_usd,
    uncached_input_cost_usd + cached_input_cost_usd + cache_write_cost_usd + output_cost_usd as cost_usd
from request_tokens
inner join request_rates using (request_id)
