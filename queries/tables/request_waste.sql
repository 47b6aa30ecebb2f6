-- Wasted tokens per request and category (DESIGN.md "Waste categories"), priced at the rate
-- the wasted segment was billed. Each wasted token has exactly one category.
create table if not exists request_waste (
    request_id  varchar not null,
    category    varchar not null,
    tokens      double  not null,
    cost_usd    double  not null
);
