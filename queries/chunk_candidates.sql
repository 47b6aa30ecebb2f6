-- Distinct (chunk, output, question) triples whose use must be decided: every retrieval
-- chunk of a request with an output text, with the text of the user's question.
with chunks as (
    select request_id, ordinal, chunk_id, text_hash as chunk_hash
    from segments
    where kind = 'retrieval'
),

outputs as (
    select request_id, any_value(text_hash) as output_hash
    from segments
    where kind = 'output'
    group by request_id
),

questions as (
    select request_id, any_value(text_hash) as question_hash
    from segments
    where kind = 'user'
    group by request_id
),

triples as (
    select distinct chunks.chunk_id, chunks.chunk_hash, outputs.output_hash, questions.question_hash
    from chunks
    inner join outputs using (request_id)
    left join questions using (request_id)
    anti join chunk_decisions
        on chunk_decisions.chunk_id = chunks.chunk_id
       and chunk_decisions.chunk_hash = chunks.chunk_hash
       and chunk_decisions.output_hash = outputs.output_hash
       and chunk_decisions.question_hash is not distinct from questions.question_hash
)

select
    triples.chunk_id,
    triples.chunk_hash,
    triples.output_hash,
    triples.question_hash,
    chunk_text.text as chunk_text,
    output_text.text as output_text,
    coalesce(question_text.text, '') as question_text
from triples
inner join texts as chunk_text on chunk_text.text_hash = triples.chunk_hash
inner join texts as output_text on output_text.text_hash = triples.output_hash
left join texts as question_text on question_text.text_hash = triples.question_hash
order by triples.output_hash, triples.question_hash
