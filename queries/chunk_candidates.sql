-- Distinct (chunk, output, question) triples not decided yet, with the chunk's text, sorted by
-- answer (output and question hash). chunk_answers gives each answer's texts in the same order,
-- so a worker makes an answer's 4-grams once and its texts are read and sent once, not once per
-- chunk. Two flat sorted results spill within the memory limit; a list of chunk texts per answer
-- (a hash aggregate, then joined to the texts) ran a million requests out of 2.5 GB. A table, not
-- a temp table: the two results stream on two connections; the detector drops it.
create or replace table undecided_chunks as
select distinct chunk_triples.chunk_id, chunk_triples.chunk_hash, chunk_triples.output_hash, chunk_triples.question_hash
from chunk_triples
anti join chunk_decisions
    on chunk_decisions.chunk_id = chunk_triples.chunk_id
   and chunk_decisions.chunk_hash = chunk_triples.chunk_hash
   and chunk_decisions.output_hash = chunk_triples.output_hash
   and chunk_decisions.question_hash is not distinct from chunk_triples.question_hash
