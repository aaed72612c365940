{#- An amount (decimal(18, 2)) times an FX rate (decimal(18, 8)), typed as DuckDB types
    that product: decimal(18, 10). PostgreSQL would leave it an unconstrained numeric,
    whose values print without their scale (90 rather than 90.0000000000) and so differ
    from the typed expectations of unit tests; the cast gives every engine one type and
    changes no value. (decimal(18, 10) holds up to 99,999,999.99 per row, as before.) -#}
{% macro amount_in_reporting_currency(amount, rate) -%}
    cast({{ amount }} * {{ rate }} as decimal(18, 10))
{%- endmacro %}
