{#- The date whose definition versions apply to a period: the period's last day ("as
    defined then"), or var('definitions_as_of') when a replay asks for the definitions
    of another date ("as defined now" = today's date). Every effective-dated join uses
    this, so one var switches all definitions consistently. -#}
{% macro definitions_in_force_on(period_end_column) -%}
    {%- if var('definitions_as_of', none) -%}
        cast('{{ var("definitions_as_of") }}' as date)
    {%- else -%}
        {{ period_end_column }}
    {%- endif -%}
{%- endmacro %}

{#- Join condition: the effective-dated definition row `alias` is the version in force
    for a period ending on `period_end_column` ([effective_from, effective_to)). -#}
{% macro definition_in_force(alias, period_end_column) -%}
    {{ alias }}.effective_from <= {{ definitions_in_force_on(period_end_column) }}
    and ({{ alias }}.effective_to is null
        or {{ definitions_in_force_on(period_end_column) }} < {{ alias }}.effective_to)
{%- endmacro %}
