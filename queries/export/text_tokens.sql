-- text_tokens/ of the Parquet export: the token count of each distinct text in each encoding,
-- merged with an earlier export's (previous_text_tokens), bucketed like texts/ so a text and
-- its counts sit in the same hash_prefix partition.
with new_counts as (
    select format('{:032x}', text_hash) as text_hash, encoding, tokens
    from text_tokens
),

kept_counts as (
    select previous_text_tokens.text_hash, previous_text_tokens.encoding, previous_text_tokens.tokens
    from previous_text_tokens
    anti join new_counts using (text_hash, encoding)
),

merged as (
    select * from new_counts
    union all
    select * from kept_counts
)

select
    text_hash,
    encoding,
    tokens,
    left(text_hash, 1) as hash_prefix
from merged
