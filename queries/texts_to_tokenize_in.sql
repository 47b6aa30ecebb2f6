-- Prompt texts not yet counted in $encoding (a routing target's encoding, for the simulation),
-- as (encoding, text_hash) pairs like texts_to_tokenize.
with prompt_texts as (
    select distinct text_hash from segments where kind <> 'output'
)

select $encoding as encoding, prompt_texts.text_hash
from prompt_texts
semi join texts using (text_hash)
anti join (select text_hash from text_tokens where encoding = $encoding) as counted using (text_hash)
