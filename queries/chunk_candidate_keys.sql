-- The undecided chunks by answer, as chunk_candidate_chunks but without their texts, which the
-- workers hold already (chunk_pool).
select
    undecided_chunks.output_hash,
    undecided_chunks.question_hash,
    undecided_chunks.chunk_id,
    undecided_chunks.chunk_hash,
    null::blob as chunk_text
from undecided_chunks
order by undecided_chunks.output_hash, undecided_chunks.question_hash nulls last
