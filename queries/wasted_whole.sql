-- Requests wasted whole (duplicate or failed): no segment of theirs takes a second category.
create or replace view wasted_whole as
select request_id
from request_waste
where category in ('duplicate_request', 'failed_request')
