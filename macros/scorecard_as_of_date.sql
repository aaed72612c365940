{#- The date the warehouse is built "as of": var('as_of_date') when set (replays and
    tests are reproducible), else today. Periods starting later are not scored.
    A model reading it is tagged build_date: a refresh rebuilds it even when no new data
    reaches it, since the date moves (scorecard.refresh_window.refresh_selection). -#}
{% macro scorecard_as_of_date() -%}
    {%- do config(tags=['build_date']) -%}
    {%- if var('as_of_date', none) -%}
        cast('{{ var("as_of_date") }}' as date)
    {%- else -%}
        cast({{ dbt.current_timestamp() }} as date)
    {%- endif -%}
{%- endmacro %}
