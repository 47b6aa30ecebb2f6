-- The texts and token counts an earlier export left in the folder ($dir: its path, quotes
-- doubled), for texts.sql and text_tokens.sql to merge with this run's.
create or replace temp view previous_texts as
select text_hash, text, bytes
from read_parquet('$dir/texts/*/*.parquet', hive_partitioning = true);

create or replace temp view previous_text_tokens as
select text_hash, encoding, tokens
from read_parquet('$dir/text_tokens/*/*.parquet', hive_partitioning = true);
