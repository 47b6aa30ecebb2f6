-- Appends the distinct texts that the database does not hold yet; a text's size is its UTF-8
-- bytes as DuckDB stores it (strlen), not counted again by the parser.
insert into texts
with staged as (
    select *
    from read_json($path, format = 'newline_delimited', columns = {
        text_hash: 'UHUGEINT', text: 'VARCHAR'
    })
),

distinct_texts as (
    select text_hash, any_value(text) as text
    from staged
    group by text_hash
)

select text_hash, text, strlen(text) as bytes
from distinct_texts
anti join texts using (text_hash)
