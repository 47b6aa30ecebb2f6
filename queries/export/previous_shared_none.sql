-- No earlier export in the folder: nothing to merge with this run's texts and token counts.
create or replace temp view previous_texts as
select null::varchar as text_hash, null::varchar as text, null::bigint as bytes
where false;

create or replace temp view previous_text_tokens as
select null::varchar as text_hash, null::varchar as encoding, null::bigint as tokens
where false;
