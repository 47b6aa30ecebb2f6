-- The distinct (provider, model, day) of the requests in scope, whose rates the price stage resolves.
select distinct requests.provider, requests.model, date_trunc('day', requests.ts) as bucket
from requests
order by 1, 2, 3
