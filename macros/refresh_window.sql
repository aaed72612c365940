{#- Refresh by period: the indicator families, their evidence and fct_indicator_values
    recompute only the periods new data can change, and keep the rest.

    `scorecard build` works out from the raw batches that arrived since its last
    successful build the earliest date they can reach (scorecard/refresh_window.py,
    docs/incremental-refresh.md) and passes it as SCORECARD_REFRESH_FROM_DATE. With it
    these models are incremental: they read the grid from the start of the fiscal
    quarter holding that date (a quarter's key_customer_revisit_coverage is built from
    its months), and their rows replace those periods' rows. Without it (a first build,
    a full refresh, a plain `dbt build`, a new batch of people or reference data, Spark)
    they are full tables. -#}
{% macro refresh_from_date() -%}
    {%- set value = env_var('SCORECARD_REFRESH_FROM_DATE', '') -%}
    {%- if value and not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', value) -%}
        {{ exceptions.raise_compiler_error("SCORECARD_REFRESH_FROM_DATE must be YYYY-MM-DD, got " ~ value) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{#- dbt-spark has no delete on plain Parquet (see incremental_materialization). -#}
{% macro period_window_materialization() -%}
    {{ return('incremental' if refresh_from_date() and target.type != 'spark' else 'table') }}
{%- endmacro %}

{#- A condition on rows of the grid (int_employee_periods): true for the periods this
    run recomputes. (`this` is none in unit tests, which always see the whole grid.) -#}
{% macro in_refresh_window() -%}
    {%- if this is not none and refresh_from_date() and is_incremental() -%}
        period_end_date >= (
            select min(quarters.period_start_date)
            from {{ ref('int_employee_periods') }} as quarters
            where quarters.period_grain = 'quarter'
                and quarters.period_end_date >= cast('{{ refresh_from_date() }}' as date)
        )
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{#- incremental_strategy='replace_periods': the periods in the new rows replace their old
    rows, and periods no longer in the grid (the first event moved later) go. -#}
{% macro get_incremental_replace_periods_sql(arg_dict) -%}
    delete from {{ arg_dict['target_relation'] }}
    where period_key in (select period_key from {{ arg_dict['temp_relation'] }})
        or period_key not in (select period_key from {{ ref('int_employee_periods') }});
    {{ get_incremental_append_sql(arg_dict) }}
{%- endmacro %}
