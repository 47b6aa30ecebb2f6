-- Distinct (text, encoding) pairs that some request needs counted and that are not counted yet
-- (the token stage keeps them in a temp table, streams their texts from there: texts_to_count).
with request_encodings as (
    select requests.request_id, requests.user_message_hash, model_encodings.encoding
    from requests
    inner join model_encodings using (model)
),

needed as (
    select distinct segments.text_hash, request_encodings.encoding
    from segments
    inner join request_encodings using (request_id)
    union
    select distinct user_message_hash as text_hash, encoding
    from request_encodings
    where user_message_hash is not null
),

missing as (
    select needed.text_hash, needed.encoding
    from needed
    anti join text_tokens using (text_hash, encoding)
)

-- (a text no longer stored has nothing to count, as before: it is not asked for)
select missing.encoding, missing.text_hash
from missing
semi join texts using (text_hash)
