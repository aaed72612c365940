{#- A number as text rounded to `decimals` places, e.g. for evidence notes ("answered
    after 1.5 h"). Rounds a fixed-point numeric: PostgreSQL has no round(double, n),
    and every engine then prints the same digits (2.0, not 2 or 2.000000). -#}
{% macro number_text(expression, decimals) -%}
    cast(round(cast({{ expression }} as {{ dbt.type_numeric() }}), {{ decimals }}) as {{ dbt.type_string() }})
{%- endmacro %}
