-- The distinct (provider, model, day) whose rates are not resolved yet.
select distinct requests.provider, requests.model, date_trunc('day', requests.ts) as bucket
from requests
anti join model_rates
    on model_rates.provider = requests.provider
   and model_rates.model = requests.model
   and model_rates.bucket = date_trunc(model_rates.bucket_unit, requests.ts)
order by 1, 2, 3
