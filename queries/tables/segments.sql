-- Every request cut into segments (DESIGN.md "Segments"): system, history, retrieval, user,
-- tool, output. The text itself is stored once per distinct text in `texts`.
create table if not exists segments (
    request_id     varchar  not null,
    ordinal        integer  not null,  -- position in the prompt; the output comes last
    kind           varchar  not null,  -- system | history | retrieval | user | tool | output
    role           varchar,            -- role of the message the segment came from (null for output)
    message_index  integer,            -- that message's index in the request (null for output)
    chunk_id       varchar,            -- retrieval chunk id
    text_hash      uhugeint not null
);
