-- What wrote this database: tokenaudit refuses a database whose layout it does not know.
create table if not exists tokenaudit_meta (
    key    varchar not null,
    value  varchar not null
);
