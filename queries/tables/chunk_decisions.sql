-- Whether a retrieval chunk was used by an answer, decided once per distinct
-- (chunk, output, question) triple.
create table if not exists chunk_decisions (
    chunk_id       varchar  not null,
    chunk_hash     uhugeint not null,
    output_hash    uhugeint not null,
    question_hash  uhugeint,
    used           boolean  not null,
    cited          boolean  not null,
    shared_ngrams  integer  not null
);
