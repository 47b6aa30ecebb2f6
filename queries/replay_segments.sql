-- The prompt segments of every request, in the order of replay_requests (its place in
-- replay_order) and by position within a request: kind, calibrated tokens, whether a chunk was used, and the
-- segment's (position, hash) hash, which the replay sums into the key of the prompt prefix
-- ending there. One flat row per segment sorts and spills within the memory limit; a list per
-- request, grouped and then sorted with the request, ran a million requests out of 4 GB.
select
    replay_order.seq,
    -- kind as its position in $segment_kinds (0-based)
    (list_position($segment_kinds, segment_billing.kind) - 1)::utinyint as kind,
    segment_billing.tokens,
    chunk_usage.used,
    hash(segment_billing.ordinal, segment_billing.text_hash) as position_hash
from segment_billing
inner join replay_order using (request_id)
left join chunk_usage using (request_id, ordinal)
order by replay_order.seq, segment_billing.ordinal
