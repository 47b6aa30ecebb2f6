-- history_overflow: keep the newest $max_messages history messages and at most $max_tokens
-- history tokens, newest first; the older history tokens are waste, at the rate they were billed.
insert into request_waste
with history as (
    select
        request_id,
        tokens,
        cost_usd,
        row_number() over (partition by request_id order by ordinal desc) as newest_rank,
        sum(tokens) over (
            partition by request_id order by ordinal desc rows between unbounded preceding and current row
        ) as tokens_so_far
    from segment_billing
    where kind = 'history'
)

select request_id, 'history_overflow' as category, sum(tokens) as tokens, sum(cost_usd) as cost_usd
from history
anti join wasted_whole using (request_id)
where newest_rank > $max_messages or tokens_so_far > $max_tokens
group by request_id
