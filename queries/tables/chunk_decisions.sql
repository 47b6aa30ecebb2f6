-- Whether a retrieval chunk was used by an answer, decided once per distinct
-- (chunk, output, question) triple. `used` is the decision under the settings of the run that
-- made it; chunk_usage reads it again from `cited` and `shared_ngrams` (all the distinct 4-grams
-- the answer shares with the chunk outside the question) with the current run's threshold.
create table if not exists chunk_decisions (
    chunk_id       varchar  not null,
    chunk_hash     uhugeint not null,
    output_hash    uhugeint not null,
    question_hash  uhugeint,
    used           boolean  not null,
    cited          boolean  not null,
    shared_ngrams  integer  not null
);
