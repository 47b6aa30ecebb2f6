-- unused_retrieval: the tokens of chunks the answer did not use (chunk_usage, decided in
-- workers by citation or shared 4-grams), at the rate they were billed.
insert into request_waste
select
    segment_billing.request_id,
    'unused_retrieval' as category,
    -- exact sums of decimals: a sum() of doubles took a request's rows in whatever order
    -- DuckDB's threads gave them, and moved in its last bits from one run to the next
    sum(segment_billing.tokens::decimal(38, 9))::double as tokens,
    sum(segment_billing.cost_usd::decimal(38, 15))::double as cost_usd
from segment_billing
inner join chunk_usage using (request_id, ordinal)
anti join wasted_whole using (request_id)
where segment_billing.kind = 'retrieval' and not chunk_usage.used
group by segment_billing.request_id
