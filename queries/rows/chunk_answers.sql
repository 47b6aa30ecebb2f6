-- One row for each row chunk_answers gives, without its texts: Database.assertStreamedAll counts
-- these to check that the stream was read to its end. Counting chunk_answers itself decompressed
-- every answer's texts a second time (0.65 s of the 5 s unused_retrieval took at 200k requests).
-- chunk_answers has a row for each answer whose output text is stored (texts holds a hash once;
-- the question is a left join).
with answers as (
    select distinct output_hash, question_hash
    from undecided_chunks
)

select 1
from answers
semi join texts on texts.text_hash = answers.output_hash
