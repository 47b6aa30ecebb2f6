-- The answers (output and question) with undecided chunks, with their texts, in the order of
-- chunk_candidate_chunks.
with answers as (
    select distinct output_hash, question_hash
    from undecided_chunks
)

select
    answers.output_hash,
    answers.question_hash,
    output_text.text as output_text,
    coalesce(question_text.text, '') as question_text
from answers
inner join texts as output_text on output_text.text_hash = answers.output_hash
left join texts as question_text on question_text.text_hash = answers.question_hash
order by answers.output_hash, answers.question_hash nulls last
