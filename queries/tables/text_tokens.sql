-- Token count of each distinct text in each encoding it is needed in.
create table if not exists text_tokens (
    text_hash  uhugeint not null,
    encoding   varchar  not null,
    tokens     bigint   not null
);
