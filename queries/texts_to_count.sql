-- The texts of the pairs the token stage is to count (texts_to_tokenize or texts_to_tokenize_in,
-- kept in the temp table texts_uncounted), as their UTF-8 bytes (encode: VARCHAR to BLOB
-- unchanged), which the workers count as they are.
select texts_uncounted.encoding, texts_uncounted.text_hash, encode(texts.text) as text
from texts_uncounted
inner join texts using (text_hash)
