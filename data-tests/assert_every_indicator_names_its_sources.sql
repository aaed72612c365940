-- Every indicator of the catalogue names the raw tables it is measured from
-- (seeds/indicator_sources.csv), and every table named there is one whose coverage the
-- warehouse knows (int_source_coverage): otherwise an undelivered source could not make
-- the indicator "not measured". Returns the indicators and tables that break this.
with

definitions as (

    select distinct indicator_code from {{ ref('indicator_definitions') }}

),

indicator_sources as (

    select * from {{ ref('indicator_sources') }}

),

source_coverage as (

    select * from {{ ref('int_source_coverage') }}

),

indicators_without_sources as (

    select
        definitions.indicator_code,
        cast(null as {{ dbt.type_string() }}) as source_table,
        'no source table in seeds/indicator_sources.csv' as problem
    from definitions
    left join indicator_sources
        on definitions.indicator_code = indicator_sources.indicator_code
    where indicator_sources.indicator_code is null

),

unknown_tables as (

    select
        indicator_sources.indicator_code,
        indicator_sources.source_table,
        'source table unknown to int_source_coverage' as problem
    from indicator_sources
    left join source_coverage
        on indicator_sources.source_table = source_coverage.source_table
    where source_coverage.source_table is null

)

select * from indicators_without_sources
union all
select * from unknown_tables
