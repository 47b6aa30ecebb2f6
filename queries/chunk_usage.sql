-- Each retrieval segment with the decision about its (chunk, output, question) triple. Whether
-- the chunk was used is read from the decision's evidence with this run's
-- retrieval.minSharedNgrams ($min_shared_ngrams, a validated count put in as a literal: views
-- take no parameters), not from the `used` stored when it was decided: a database kept with --db
-- holds decisions made under other settings.
create or replace view chunk_usage as
select
    chunk_triples.request_id,
    chunk_triples.ordinal,
    chunk_decisions.cited or chunk_decisions.shared_ngrams >= $min_shared_ngrams as used,
    chunk_decisions.cited,
    chunk_decisions.shared_ngrams
from chunk_triples
inner join chunk_decisions
    on chunk_decisions.chunk_id = chunk_triples.chunk_id
   and chunk_decisions.chunk_hash = chunk_triples.chunk_hash
   and chunk_decisions.output_hash = chunk_triples.output_hash
   and chunk_decisions.question_hash is not distinct from chunk_triples.question_hash
