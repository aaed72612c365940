{#- Aggregate expression naming the source rows whose `amount` has no FX rate to the
    reporting currency (null `amount`), for the null_reason of the value they make
    unknown: "no FX rate to EUR for USD on 3 of the invoices due"; with several
    currencies "for CHF and USD", "for CHF, USD and 2 more" (first and last code).
    Null when every row converts. One policy for every family (docs/coverage.md,
    "Currencies"): a value with such rows is unknown, never a short total. -#}
{% macro fx_missing_reason(amount, currency, what) -%}
    {%- set unconverted = "case when (" ~ amount ~ ") is null then 1 else 0 end" -%}
    {%- set currency_without_rate = "case when (" ~ amount ~ ") is null then " ~ currency ~ " end" -%}
    case
        when sum({{ unconverted }}) > 0
            then 'no FX rate to {{ var("reporting_currency") }} for '
                || coalesce(min({{ currency_without_rate }}), 'no currency')
                || case
                    when count(distinct {{ currency_without_rate }}) = 2
                        then ' and ' || max({{ currency_without_rate }})
                    when count(distinct {{ currency_without_rate }}) > 2
                        then ', ' || max({{ currency_without_rate }}) || ' and '
                            || cast(count(distinct {{ currency_without_rate }}) - 2 as {{ dbt.type_string() }})
                            || ' more'
                    else ''
                end
                || ' on ' || cast(sum({{ unconverted }}) as {{ dbt.type_string() }}) || ' of the {{ what }}'
    end
{%- endmacro %}
