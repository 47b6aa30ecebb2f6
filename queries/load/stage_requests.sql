-- The requests staged for a part of one file, with the first sighting of each request_id marked
-- (a request_id an earlier part of the file loaded is in stored_requests already, in the same
-- transaction).
create or replace temp table stage_requests as
with staged as (
    select *
    from read_json($path, format = 'newline_delimited', columns = {
        request_id: 'VARCHAR', ts_ms: 'BIGINT', feature: 'VARCHAR', user_id: 'VARCHAR',
        session_id: 'VARCHAR', provider: 'VARCHAR', model: 'VARCHAR', has_text: 'BOOLEAN',
        message_count: 'INTEGER', name_count: 'INTEGER', name_tokens: 'INTEGER', choice_count: 'INTEGER',
        finish_reason: 'VARCHAR', status: 'VARCHAR', batch: 'BOOLEAN',
        usage_input_tokens: 'BIGINT', usage_output_tokens: 'BIGINT',
        usage_cached_input_tokens: 'BIGINT', usage_cache_write_tokens: 'BIGINT',
        usage_cache_write_1h_tokens: 'BIGINT', usage_reasoning_tokens: 'BIGINT',
        latency_ms: 'DOUBLE', ttft_ms: 'DOUBLE', max_tokens: 'BIGINT', temperature: 'DOUBLE',
        n: 'INTEGER', params_hash: 'UHUGEINT', messages_hash: 'UHUGEINT', user_message_hash: 'UHUGEINT',
        logged_cost_usd: 'DOUBLE', format: 'VARCHAR', source_file: 'VARCHAR', source_line: 'BIGINT'
    })
),

sighted as (
    select
        *,
        row_number() over (partition by request_id order by source_line) = 1 as first_in_file
    from staged
),

-- The staged request_ids the database holds already: a semi join, which DuckDB builds on the
-- part's few thousand rows and probes with the stored ids. `not exists` on stored_requests
-- itself built a hash table of every stored request for each part (a million at the end of a
-- million-request load).
stored as (
    select stored_requests.request_id
    from stored_requests
    semi join staged using (request_id)
)

select
    sighted.*,
    first_in_file and not exists (
        select 1 from stored where stored.request_id = sighted.request_id
    ) as is_new
from sighted
