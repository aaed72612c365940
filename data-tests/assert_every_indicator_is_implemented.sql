-- Every defined indicator has an implementation producing rows, and every implemented
-- code has a definition. Only meaningful once the scoring grid has rows.
with

defined as (

    select distinct indicator_code from {{ ref('dim_indicators') }}

),

implemented as (

    select distinct indicator_code from {{ ref('fct_indicator_values') }}

),

grid_has_rows as (

    select count(*) as grid_rows from {{ ref('int_employee_periods') }}

)

select
    coalesce(defined.indicator_code, implemented.indicator_code) as indicator_code,
    case
        when implemented.indicator_code is null then 'defined but not implemented'
        else 'implemented but not defined'
    end as problem
from defined
full outer join implemented
    on defined.indicator_code = implemented.indicator_code
cross join grid_has_rows
where grid_has_rows.grid_rows > 0
    and (defined.indicator_code is null or implemented.indicator_code is null)
