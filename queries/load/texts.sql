-- Appends the distinct texts that the database does not hold yet.
insert into texts
with staged as (
    select *
    from read_json($path, format = 'newline_delimited', columns = {
        text_hash: 'UHUGEINT', text: 'VARCHAR', bytes: 'BIGINT'
    })
),

distinct_texts as (
    select text_hash, any_value(text) as text, any_value(bytes) as bytes
    from staged
    group by text_hash
)

select text_hash, text, bytes
from distinct_texts
anti join texts using (text_hash)
