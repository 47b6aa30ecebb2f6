-- Rows that could not be loaded, with where they came from and why.
create table if not exists quarantine (
    source_file  varchar not null,
    source_line  bigint  not null,
    format       varchar not null,
    reason       varchar not null,  -- a short, stable reason (the key of quarantineByReason)
    detail       varchar,           -- the specific problem, e.g. the field path and value
    excerpt      varchar            -- the first bytes of the raw row
);
