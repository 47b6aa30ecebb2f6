-- Appends the rows one file's workers could not load, with file, line and reason.
insert into quarantine
select source_file, source_line, format, reason, detail, excerpt
from read_json($path, format = 'newline_delimited', columns = {
    source_file: 'VARCHAR', source_line: 'BIGINT', format: 'VARCHAR', reason: 'VARCHAR',
    detail: 'VARCHAR', excerpt: 'VARCHAR'
})
