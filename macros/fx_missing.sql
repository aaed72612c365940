{#- Aggregate expression naming the source rows whose `amount` has no FX rate to the
    reporting currency (null `amount`), for the null_reason of the value they make
    unknown, in the shape of the contribution families' reasons
    (macros/indicator_contributions.sql), without their "of N": here the aggregate's
    rows are not always the value's source rows. "no FX rate to EUR for USD (3 source
    rows)"; with two currencies "...for CHF; no FX rate to EUR for USD (...)", with more
    "...for CHF; ...; no FX rate to EUR for USD (4 different reasons) (...)". `what` is
    kept for the callers' readability. Null when every row converts. One policy for
    every family (docs/coverage.md, "Currencies"): a value with such rows is unknown,
    never a short total. For the families not yet moved to contributions. -#}
{% macro fx_missing_reason(amount, currency, what) -%}
    {%- set unconverted = "case when (" ~ amount ~ ") is null then 1 else 0 end" -%}
    {%- set currency_without_rate = "case when (" ~ amount ~ ") is null then " ~ currency ~ " end" -%}
    {%- set reason = "'no FX rate to " ~ var("reporting_currency") ~ " for '" -%}
    case
        when sum({{ unconverted }}) > 0
            then {{ reason }} || coalesce(min({{ currency_without_rate }}), 'no currency')
                || case
                    when count(distinct {{ currency_without_rate }}) > 1
                        then '; ' || case when count(distinct {{ currency_without_rate }}) > 2 then '...; ' else '' end
                            || {{ reason }} || max({{ currency_without_rate }})
                            || case
                                when count(distinct {{ currency_without_rate }}) > 2
                                    then ' (' || cast(count(distinct {{ currency_without_rate }}) as {{ dbt.type_string() }})
                                        || ' different reasons)'
                                else ''
                            end
                    else ''
                end
                || ' (' || cast(sum({{ unconverted }}) as {{ dbt.type_string() }})
                || case when sum({{ unconverted }}) = 1 then ' source row)' else ' source rows)' end
    end
{%- endmacro %}

{#- The null_reason of one contribution row whose amount has no FX rate (`without_rate`
    names the rows, null when the row converts; `currency` is their code).
    fct_indicator_values adds how many of the value's source rows say so: "no FX rate to
    EUR for USD (3 of 12 source rows)"; the notes name the rows. -#}
{% macro fx_missing_row_reason(without_rate, currency) -%}
    case
        when {{ without_rate }} is not null
            then 'no FX rate to {{ var("reporting_currency") }} for ' || coalesce({{ currency }}, 'no currency')
    end
{%- endmacro %}
