-- Rates per (provider, model, time bucket) and long-context tier, resolved once from the
-- catalogue (or the user's overrides). A request uses the row of its bucket
-- (date_trunc(bucket_unit, ts)) with the highest tier_start below its input tokens.
create table if not exists model_rates (
    provider                  varchar   not null,
    model                     varchar   not null,
    bucket_unit               varchar   not null,
    bucket                    timestamp not null,
    priced                    boolean   not null,
    source                    varchar   not null,
    catalogue_provider        varchar,
    catalogue_model           varchar,
    tier_start                bigint    not null,
    input_per_mtok            double    not null,
    cached_input_per_mtok     double    not null,
    cache_write_per_mtok      double    not null,
    cache_write_1h_per_mtok   double    not null,
    output_per_mtok           double    not null
);
