-- Appends the segments of the requests just loaded (a request_id's later sightings are skipped).
insert into segments
with staged as (
    select *
    from read_json($path, format = 'newline_delimited', columns = {
        request_id: 'VARCHAR', source_line: 'BIGINT', ordinal: 'INTEGER', kind: 'VARCHAR',
        role: 'VARCHAR', message_index: 'INTEGER', chunk_id: 'VARCHAR', text_hash: 'UHUGEINT'
    })
),

loaded as (
    select request_id, source_line from stage_requests where is_new
)

select staged.request_id, ordinal, kind, role, message_index, chunk_id, text_hash
from staged
semi join loaded using (request_id, source_line)
