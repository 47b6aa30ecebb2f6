-- Distinct (chunk, output, question) triples not decided yet, with their texts, grouped by
-- answer so a worker reuses the answer's 4-grams across its chunks.
with undecided as (
    select distinct chunk_triples.chunk_id, chunk_triples.chunk_hash, chunk_triples.output_hash, chunk_triples.question_hash
    from chunk_triples
    anti join chunk_decisions
        on chunk_decisions.chunk_id = chunk_triples.chunk_id
       and chunk_decisions.chunk_hash = chunk_triples.chunk_hash
       and chunk_decisions.output_hash = chunk_triples.output_hash
       and chunk_decisions.question_hash is not distinct from chunk_triples.question_hash
)

select
    undecided.chunk_id,
    undecided.chunk_hash,
    undecided.output_hash,
    undecided.question_hash,
    chunk_text.text as chunk_text,
    output_text.text as output_text,
    coalesce(question_text.text, '') as question_text
from undecided
inner join texts as chunk_text on chunk_text.text_hash = undecided.chunk_hash
inner join texts as output_text on output_text.text_hash = undecided.output_hash
left join texts as question_text on question_text.text_hash = undecided.question_hash
order by undecided.output_hash, undecided.question_hash
