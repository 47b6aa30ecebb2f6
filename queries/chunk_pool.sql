-- The distinct chunk texts of the undecided triples, when together they are at most $max_bytes:
-- retrieval draws on a pool of chunks, each retrieved for many answers, and the workers then
-- get each text once rather than once per answer (src/waste/unused-retrieval.ts). No rows when
-- the pool is larger; the candidates then carry their texts.
with pool as (
    select texts.text_hash, texts.text, texts.bytes
    from (select distinct chunk_hash from undecided_chunks) as chunks
    inner join texts on texts.text_hash = chunks.chunk_hash
)

select text_hash, text
from pool
where (select sum(bytes) from pool) <= $max_bytes
