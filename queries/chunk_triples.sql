-- Every retrieval chunk of a request that has an output text, with the hashes of that output
-- and of the user's question: the (chunk, output, question) triple that decides its use.
create or replace view chunk_triples as
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
)

select chunks.request_id, chunks.ordinal, chunks.chunk_id, chunks.chunk_hash, outputs.output_hash, questions.question_hash
from chunks
inner join outputs using (request_id)
left join questions using (request_id)
