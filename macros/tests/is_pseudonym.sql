{#-
    Generic test: every non-null value of the column looks like a pseudonym made by
    the pseudonymize macro (64 lowercase hexadecimal characters), so clear text did
    not slip through. Portable SQL (length and translate exist on DuckDB,
    PostgreSQL and Spark).
-#}
{% test is_pseudonym(model, column_name) %}

    select *
    from {{ model }}
    where {{ column_name }} is not null
        and (
            length({{ column_name }}) != 64
            or length(translate({{ column_name }}, '0123456789abcdef', '')) != 0
        )

{% endtest %}
