{#- The null_reason of one contribution row whose amount has no FX rate (`without_rate`
    names the rows, null when the row converts; `currency` is their code).
    fct_indicator_values adds how many of the value's source rows say so: "no FX rate to
    EUR for USD (3 of 12 source rows)"; the notes name the rows. One policy for every
    family (docs/coverage.md, "Currencies"): a value with such rows is unknown, never a
    short total. -#}
{% macro fx_missing_row_reason(without_rate, currency) -%}
    case
        when {{ without_rate }} is not null
            then 'no FX rate to {{ var("reporting_currency") }} for ' || coalesce({{ currency }}, 'no currency')
    end
{%- endmacro %}
