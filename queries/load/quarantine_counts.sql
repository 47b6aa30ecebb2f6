-- What one file's workers quarantined, by reason.
select reason, count(*) as n
from read_json($path, format = 'newline_delimited', columns = {reason: 'VARCHAR'})
group by reason
