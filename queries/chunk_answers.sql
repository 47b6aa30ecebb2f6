-- The answers (output and question) with undecided chunks, with their texts, in the order of
-- chunk_candidate_chunks. The texts table is read once for both texts of every answer: joined
-- once per text, it was scanned (and its compressed texts decompressed) twice.
with answers as (
    select distinct output_hash, question_hash
    from undecided_chunks
),

needed as (
    select output_hash as text_hash from answers
    union
    select question_hash as text_hash from answers where question_hash is not null
),

answer_texts as materialized (
    select texts.text_hash, texts.text
    from texts
    semi join needed using (text_hash)
)

-- the texts as their UTF-8 bytes (encode: VARCHAR to BLOB unchanged), which the workers decode
select
    answers.output_hash,
    answers.question_hash,
    encode(output_text.text) as output_text,
    encode(coalesce(question_text.text, '')) as question_text
from answers
inner join answer_texts as output_text on output_text.text_hash = answers.output_hash
left join answer_texts as question_text on question_text.text_hash = answers.question_hash
order by answers.output_hash, answers.question_hash nulls last
