{#- The date the warehouse is built "as of": var('as_of_date') when set (replays and
    tests are reproducible), else today. Periods starting later are not scored. -#}
{% macro scorecard_as_of_date() -%}
    {%- if var('as_of_date', none) -%}
        cast('{{ var("as_of_date") }}' as date)
    {%- else -%}
        cast({{ dbt.current_timestamp() }} as date)
    {%- endif -%}
{%- endmacro %}
