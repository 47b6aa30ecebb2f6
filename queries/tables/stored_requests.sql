-- One row per model call ever loaded: the canonical request without its texts (texts live in `texts`,
-- referenced from `segments`). Timestamps are UTC.
create table if not exists stored_requests (
    request_id                   varchar   not null,
    ts                           timestamp not null,
    feature                      varchar   not null,
    user_id                      varchar,
    session_id                   varchar,
    provider                     varchar   not null,
    model                        varchar   not null,
    has_text                     boolean   not null,
    message_count                integer   not null,
    name_count                   integer   not null,
    name_tokens                  integer   not null,  -- tokens of the `name` fields, in the model's encoding
    choice_count                 integer   not null,
    finish_reason                varchar,
    status                       varchar   not null,
    batch                        boolean   not null,
    usage_input_tokens           bigint,
    usage_output_tokens          bigint,
    usage_cached_input_tokens    bigint,
    usage_cache_write_tokens     bigint,
    usage_cache_write_1h_tokens  bigint,
    usage_reasoning_tokens       bigint,
    latency_ms                   double,
    ttft_ms                      double,
    max_tokens                   bigint,
    temperature                  double,
    n                            integer,
    params_hash                  uhugeint  not null,
    messages_hash                uhugeint,
    -- the whole last user message, when retrieval chunks were cut out of it: recounting the
    -- prompt uses whole messages, because BPE counts of pieces do not add up exactly
    user_message_hash            uhugeint,
    logged_cost_usd              double,
    format                       varchar   not null,
    source_file                  varchar   not null,
    source_line                  bigint    not null
);
