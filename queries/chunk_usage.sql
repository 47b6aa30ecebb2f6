-- Each retrieval segment with the decision about its (chunk, output, question) triple.
create or replace view chunk_usage as
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

select chunks.request_id, chunks.ordinal, chunk_decisions.used, chunk_decisions.cited, chunk_decisions.shared_ngrams
from chunks
inner join outputs using (request_id)
left join questions using (request_id)
inner join chunk_decisions
    on chunk_decisions.chunk_id = chunks.chunk_id
   and chunk_decisions.chunk_hash = chunks.chunk_hash
   and chunk_decisions.output_hash = outputs.output_hash
   and chunk_decisions.question_hash is not distinct from questions.question_hash
