-- texts/ of the Parquet export: every distinct text by content hash, merged with the texts an
-- earlier export to the same folder holds (previous_texts), so a nightly run that adds one day
-- keeps the texts of the others. Texts are shared across days and features, so they are
-- partitioned by the first hex digit of their hash (16 buckets): the shard key of tokenizing.
with new_texts as (
    select format('{:032x}', text_hash) as text_hash, text, bytes
    from texts
),

kept_texts as (
    select previous_texts.text_hash, previous_texts.text, previous_texts.bytes
    from previous_texts
    anti join new_texts using (text_hash)
),

merged as (
    select * from new_texts
    union all
    select * from kept_texts
)

select
    text_hash,
    text,
    bytes,
    left(text_hash, 1) as hash_prefix
from merged
