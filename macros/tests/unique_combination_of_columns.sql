{#-
    Generic test: no two rows of the model share the same values in all of
    `combination_of_columns` (a composite primary key). Fails with one row per
    duplicated combination and its count. NULLs group together, so pair it with
    not_null on each key column. Portable SQL (group by / having).

    data_tests:
      - unique_combination_of_columns:
          arguments:
            combination_of_columns: [rate_date, currency_code]
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {%- set columns = combination_of_columns | join(', ') %}

    select
        {{ columns }},
        count(*) as row_count
    from {{ model }}
    group by {{ columns }}
    having count(*) > 1

{% endtest %}
