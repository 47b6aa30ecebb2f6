-- What loading one file did: rows loaded and already loaded, by format.
select
    format,
    count(*) filter (where is_new) as loaded,
    count(*) filter (where not is_new) as already_loaded
from stage_requests
group by format
