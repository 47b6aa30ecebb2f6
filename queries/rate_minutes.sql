-- The distinct minutes of one model's requests (for prices that change with the time of day).
select distinct date_trunc('minute', ts) as bucket
from requests
where provider = $provider and model = $model and date_trunc('day', ts) = $day
order by 1
