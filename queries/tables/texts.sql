-- Distinct texts by content hash (md5 of the UTF-8 bytes, as a 128-bit integer).
create table if not exists texts (
    text_hash  uhugeint not null,
    text       varchar  not null,
    bytes      bigint   not null
);
