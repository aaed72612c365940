-- No delivered event falls outside the fiscal calendar (vars calendar_start and
-- calendar_end): such an event could never be scored, silently. Returns each table
-- with events outside it, and its first and last event date; the fix is to widen the
-- calendar in <home>/settings.yml (or to correct the dates in the export).
select
    source_table,
    first_event_date,
    last_event_date,
    cast('{{ var("calendar_start") }}' as date) as calendar_start,
    cast('{{ var("calendar_end") }}' as date) as calendar_end
from {{ ref('int_source_coverage') }}
where first_event_date < cast('{{ var("calendar_start") }}' as date)
    or last_event_date >= cast('{{ var("calendar_end") }}' as date)
