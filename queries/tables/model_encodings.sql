-- Which encoding each logged model is recounted with, and whether that count is exact
-- (a public tokenizer) or an approximation calibrated against logged usage.
create table if not exists model_encodings (
    model     varchar not null,
    encoding  varchar not null,
    exact     boolean not null
);
