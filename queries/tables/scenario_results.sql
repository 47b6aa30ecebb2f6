-- Each request under each scenario (the baseline included): what it would have cost, how long
-- it would have taken, and what the policies did to it.
create table if not exists scenario_results (
    scenario           varchar not null,
    request_id         varchar not null,
    feature            varchar not null,
    user_id            varchar,
    model              varchar not null,
    input_tokens       double  not null,
    output_tokens      double  not null,
    cached_tokens      double  not null,
    cost_usd           double  not null,
    latency_ms         double,
    response_cache_hit boolean not null,
    routed             boolean not null,
    truncated          boolean not null,
    blocked            boolean not null
);
