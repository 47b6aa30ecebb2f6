-- The undecided chunks with their texts (as UTF-8 bytes, as chunk_answers gives the answers'), by
-- answer (see chunk_candidates).
select
    undecided_chunks.output_hash,
    undecided_chunks.question_hash,
    undecided_chunks.chunk_id,
    undecided_chunks.chunk_hash,
    encode(texts.text) as chunk_text
from undecided_chunks
inner join texts on texts.text_hash = undecided_chunks.chunk_hash
order by undecided_chunks.output_hash, undecided_chunks.question_hash nulls last
