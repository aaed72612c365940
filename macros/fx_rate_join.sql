{#- Join condition picking the FX rate in force for a currency on a date from
    int_fx_rates_ranged (aliased `fx_alias`). Used by every model that converts an
    amount into the reporting currency, so they all convert the same way. -#}
{% macro fx_rate_join(fx_alias, currency_column, date_column) -%}
    {{ fx_alias }}.currency_code = {{ currency_column }}
    and {{ fx_alias }}.valid_from_date <= {{ date_column }}
    and ({{ fx_alias }}.valid_until_date is null or {{ date_column }} < {{ fx_alias }}.valid_until_date)
{%- endmacro %}
