{#- Rows an incremental run must (re)process: rows of `relation` loaded since the last
    run, plus (with a currency_column) every row in a currency whose FX rates were
    loaded since then (a late or restated rate changes conversions of old rows). `this` keeps two watermarks:
    loaded_at (source rows) and fx_rates_loaded_at (the rates seen by the last run). -#}
{% macro incremental_window(relation, currency_column='currency_code') -%}
    {%- if is_incremental() %}
    where {{ relation }}.loaded_at > {{ watermark('loaded_at') }}
        {%- if currency_column %}
        or {{ relation }}.{{ currency_column }} in (
            select rates.currency_code
            from {{ ref('stg_finance__fx_rates') }} as rates
            where rates.loaded_at > {{ watermark('fx_rates_loaded_at') }}
        )
        {%- endif %}
    {%- endif %}
{%- endmacro %}

{#- The FX watermark column every converted fact carries (see incremental_window). -#}
{% macro fx_rates_loaded_at() -%}
    (select max(rates.loaded_at) from {{ ref('stg_finance__fx_rates') }} as rates)
{%- endmacro %}

{#- The latest value of a watermark column in `this`; the epoch when `this` is empty
    (a first build over an empty raw zone must not stall every later run). -#}
{% macro watermark(column) -%}
    coalesce((select max({{ column }}) from {{ this }}), cast('1900-01-01' as {{ dbt.type_timestamp() }}))
{%- endmacro %}

{#- How the incremental facts are materialised. dbt-spark has no delete+insert, and its
    merge needs a table format (Delta, Iceberg, Hudi) that a plain local Spark session
    does not ship; insert_overwrite without partitions would replace the whole table with
    just the new rows. So on Spark these facts are rebuilt as full tables: the same
    rows, recomputed from the raw zone on every run (Spark is for data that outgrows one
    machine, where a cluster with Delta would switch this to merge). -#}
{% macro incremental_materialization() -%}
    {{ return('table' if target.type == 'spark' else 'incremental') }}
{%- endmacro %}
