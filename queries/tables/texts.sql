-- Distinct texts by content hash (md5 of the UTF-8 bytes, as a 128-bit integer). The text is
-- stored zstd-compressed: distinct texts of one log still share most of their words and
-- phrases (a million requests' 2.0 GB of them take a fraction of that), and zstd writes faster
-- than the dictionary and FSST analysis DuckDB would otherwise run on every segment.
create table if not exists texts (
    text_hash  uhugeint not null,
    text       varchar  using compression zstd not null,
    bytes      bigint   not null
);
