-- Distinct (chunk, output, question) triples not decided yet, one row per answer (output and
-- question) with its texts and the chunks to decide for it: a worker makes the answer's 4-grams
-- once, and each answer's text is read and sent once, not once per chunk.
with undecided as (
    select distinct chunk_triples.chunk_id, chunk_triples.chunk_hash, chunk_triples.output_hash, chunk_triples.question_hash
    from chunk_triples
    anti join chunk_decisions
        on chunk_decisions.chunk_id = chunk_triples.chunk_id
       and chunk_decisions.chunk_hash = chunk_triples.chunk_hash
       and chunk_decisions.output_hash = chunk_triples.output_hash
       and chunk_decisions.question_hash is not distinct from chunk_triples.question_hash
),

answers as (
    select
        undecided.output_hash,
        undecided.question_hash,
        -- each chunk is decided on its own: the order in the list does not matter
        list({'chunk_id': undecided.chunk_id, 'chunk_hash': undecided.chunk_hash, 'text': chunk_text.text}) as chunks
    from undecided
    inner join texts as chunk_text on chunk_text.text_hash = undecided.chunk_hash
    group by undecided.output_hash, undecided.question_hash
)

select
    answers.output_hash,
    answers.question_hash,
    output_text.text as output_text,
    coalesce(question_text.text, '') as question_text,
    answers.chunks
from answers
inner join texts as output_text on output_text.text_hash = answers.output_hash
left join texts as question_text on question_text.text_hash = answers.question_hash
