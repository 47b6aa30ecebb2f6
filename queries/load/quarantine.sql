-- Appends the rows one file's workers could not load, with file, line and reason; a row the
-- table holds already (the same file loaded again, e.g. a night re-run into --db) is not added
-- twice, though the run still counts it among its quarantined rows.
insert into quarantine
with staged as (
    select *
    from read_json($path, format = 'newline_delimited', columns = {
        source_file: 'VARCHAR', source_line: 'BIGINT', format: 'VARCHAR', reason: 'VARCHAR',
        detail: 'VARCHAR', excerpt: 'VARCHAR'
    })
)

select staged.source_file, staged.source_line, staged.format, staged.reason, staged.detail, staged.excerpt
from staged
anti join quarantine
    on quarantine.source_file = staged.source_file
   and quarantine.source_line = staged.source_line
   and quarantine.format = staged.format
   and quarantine.reason = staged.reason
   and quarantine.detail is not distinct from staged.detail
   and quarantine.excerpt is not distinct from staged.excerpt
