-- Output token budgets configured per feature (waste.outputBudget.features).
create table if not exists output_budgets (
    feature        varchar not null,
    budget_tokens  double  not null
);
