-- --retain-days: forget stored requests older than $days days before the newest one, and the
-- segments, texts, counts and chunk decisions nothing else refers to any more.
delete from stored_requests
where ts < (select max(ts) from stored_requests) - to_days($days::integer);

delete from segments
where request_id not in (select request_id from stored_requests);

delete from texts
where text_hash not in (select text_hash from segments)
  and text_hash not in (select user_message_hash from stored_requests where user_message_hash is not null);

delete from text_tokens
where text_hash not in (select text_hash from texts);

delete from chunk_decisions
where chunk_hash not in (select text_hash from texts)
   or output_hash not in (select text_hash from texts);
