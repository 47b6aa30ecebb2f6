-- Prompt texts not yet counted in $encoding (a routing target's encoding, for the simulation).
with prompt_texts as (
    select distinct text_hash from segments where kind <> 'output'
)

-- the text as its UTF-8 bytes (encode: VARCHAR to BLOB unchanged), which the workers decode
select $encoding as encoding, texts.text_hash, encode(texts.text) as text
from prompt_texts
inner join texts using (text_hash)
anti join (select text_hash from text_tokens where encoding = $encoding) as counted using (text_hash)
