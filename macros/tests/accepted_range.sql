{#-
    Generic test: every non-null value of the column lies between `min_value` and
    `max_value` (either may be omitted; bounds included unless inclusive=false).
    Fails with the offending rows. Portable SQL.

    columns:
      - name: csat_score
        data_tests:
          - accepted_range:
              arguments: {min_value: 1, max_value: 5}
-#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
    {%- if min_value is none and max_value is none -%}
        {{ exceptions.raise_compiler_error('accepted_range needs min_value, max_value or both') }}
    {%- endif -%}
    {%- set lower = '>=' if inclusive else '>' -%}
    {%- set upper = '<=' if inclusive else '<' -%}

    select *
    from {{ model }}
    where {{ column_name }} is not null
        and not (
            {%- if min_value is not none %}
            {{ column_name }} {{ lower }} {{ min_value }}
            {%- endif %}
            {%- if min_value is not none and max_value is not none %} and{% endif %}
            {%- if max_value is not none %}
            {{ column_name }} {{ upper }} {{ max_value }}
            {%- endif %}
        )

{% endtest %}
