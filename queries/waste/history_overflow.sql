-- history_overflow: keep the newest $max_messages history messages and at most $max_tokens
-- history tokens, newest first; the older history tokens are waste, at the rate they were billed.
-- The messages over either limit are always the oldest ones, from some message on back (ranks
-- and running tokens only grow going back), so a request's waste is that message's sum of
-- itself and every older message: the largest such sum among the messages over (tokens and
-- costs are never negative). Summed over the window, in message order, it comes out the same
-- on every run; a sum() grouped by request took the rows in whatever order the threads gave
-- them, and the costs moved in their last bits from one run to the next.
insert into request_waste
with history as (
    select
        request_id,
        row_number() over newest_first as newest_rank,
        sum(tokens) over (newest_first rows between unbounded preceding and current row) as tokens_so_far,
        sum(tokens) over (newest_first rows between current row and unbounded following) as tokens_here_and_older,
        sum(cost_usd) over (newest_first rows between current row and unbounded following) as cost_here_and_older
    from segment_billing
    where kind = 'history'
    window newest_first as (partition by request_id order by ordinal desc)
)

select
    request_id,
    'history_overflow' as category,
    max(tokens_here_and_older) as tokens,
    max(cost_here_and_older) as cost_usd
from history
anti join wasted_whole using (request_id)
where newest_rank > $max_messages or tokens_so_far > $max_tokens
group by request_id
