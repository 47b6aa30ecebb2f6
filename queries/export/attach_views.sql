-- Views over a Parquet export (--export-parquet DIR) with the names and columns the rollups in
-- queries/summary/ read, so they run unchanged on the files: in a fresh DuckDB, run from inside
-- DIR (or after `set file_search_path = 'DIR'`), then any rollup. docs/scale.md has the same
-- tables for Spark SQL and Trino. Each view has exactly the columns of the table of that name in
-- a run's database (queries/tables/, request_tokens.sql, request_costs.sql), no more: an extra
-- `day` column would capture the rollups' `group by day` alias. Hive partitions are typed,
-- never guessed (a feature named 2024 stays text).
create or replace view requests as
select
    request_id, ts, feature, user_id, session_id, provider, model, has_text, message_count,
    name_count, name_tokens, choice_count, finish_reason, status, batch, usage_input_tokens,
    usage_output_tokens, usage_cached_input_tokens, usage_cache_write_tokens,
    usage_cache_write_1h_tokens, usage_reasoning_tokens, latency_ms, ttft_ms, max_tokens,
    temperature, n, params_hash, messages_hash, user_message_hash, logged_cost_usd, format,
    source_file, source_line
from read_parquet('requests/*/*/*.parquet', hive_partitioning = true,
                  hive_types = {'day': 'date', 'feature': 'varchar'});

create or replace view request_tokens as
select
    request_id, recounted_input_tokens, recounted_output_tokens, chat_overhead_tokens,
    prompt_segment_tokens, input_tokens, output_tokens, cached_input_tokens, cache_write_tokens,
    cache_write_1h_tokens, calibration_factor
from read_parquet('requests/*/*/*.parquet', hive_partitioning = true,
                  hive_types = {'day': 'date', 'feature': 'varchar'});

create or replace view request_costs as
select
    request_id, priced, input_tokens, output_tokens, cached_input_tokens, cache_write_tokens,
    cache_write_1h_tokens, uncached_input_tokens, uncached_input_cost_usd, cached_input_cost_usd,
    cache_write_cost_usd, output_cost_usd, cost_usd
from read_parquet('requests/*/*/*.parquet', hive_partitioning = true,
                  hive_types = {'day': 'date', 'feature': 'varchar'});

create or replace view request_waste as
select request_id, category, tokens, cost_usd
from read_parquet('request_waste/*/*/*.parquet', hive_partitioning = true,
                  hive_types = {'day': 'date', 'feature': 'varchar'});

create or replace view segments as
select request_id, ordinal, kind, role, message_index, chunk_id, text_hash
from read_parquet('segments/*/*/*.parquet', hive_partitioning = true,
                  hive_types = {'day': 'date', 'feature': 'varchar'});

create or replace view texts as
select text_hash, text, bytes
from read_parquet('texts/*/*.parquet', hive_partitioning = true, hive_types = {'hash_prefix': 'varchar'});

create or replace view text_tokens as
select text_hash, encoding, tokens
from read_parquet('text_tokens/*/*.parquet', hive_partitioning = true, hive_types = {'hash_prefix': 'varchar'});
