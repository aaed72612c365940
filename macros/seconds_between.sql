{#- Elapsed seconds between two timestamps. dbt.datediff counts calendar boundaries
    crossed (10:59 -> 11:01 is "1 hour"); response-time windows need elapsed time. -#}
{% macro seconds_between(start_timestamp, end_timestamp) -%}
    {{ return(adapter.dispatch('seconds_between', 'scorecard_warehouse')(start_timestamp, end_timestamp)) }}
{%- endmacro %}

{% macro default__seconds_between(start_timestamp, end_timestamp) -%}
    extract(epoch from ({{ end_timestamp }} - {{ start_timestamp }}))
{%- endmacro %}

{% macro duckdb__seconds_between(start_timestamp, end_timestamp) -%}
    (epoch({{ end_timestamp }}) - epoch({{ start_timestamp }}))
{%- endmacro %}

{% macro spark__seconds_between(start_timestamp, end_timestamp) -%}
    (unix_timestamp({{ end_timestamp }}) - unix_timestamp({{ start_timestamp }}))
{%- endmacro %}
