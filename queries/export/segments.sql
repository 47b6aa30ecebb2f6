-- segments/ of the Parquet export: every prompt and output segment of the run's requests, with
-- the request's UTC day and feature as partitions. The text is in texts/, by text_hash.
with request_partitions as (
    select request_id, ts::date as day, feature
    from requests
),

request_segments as (
    select * from segments
)

select
    request_segments.request_id,
    request_segments.ordinal,
    request_segments.kind,
    request_segments.role,
    request_segments.message_index,
    request_segments.chunk_id,
    format('{:032x}', request_segments.text_hash) as text_hash,
    request_partitions.day,
    request_partitions.feature
from request_segments
inner join request_partitions using (request_id)
