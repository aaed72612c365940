{#-
    pseudonymize(expression)

    A stable pseudonym for a personal value: the lowercase hex SHA-256 of
    `<salt>|<value>`, NULL for NULL. The same value gives the same pseudonym on
    every engine (DuckDB, PostgreSQL, Spark all hash the UTF-8 bytes), so later
    layers can still count, join and de-duplicate customers without seeing them.
    Normalise the value before hashing (trim, lower-case) so that trivial spelling
    differences do not split one customer into two pseudonyms.

    The salt comes from the environment variable SCORECARD_PSEUDONYM_SALT. Without
    it, the var `pseudonym_salt` is used, whose default is a well-known development
    salt: NOT FOR PRODUCTION, as anyone can recompute those pseudonyms from a list of
    names. Set the var `require_pseudonym_salt: true` in production to make a missing
    environment variable a compile error instead.

    The salt is written into the compiled SQL (target/compiled, target/run): models
    that call this macro are materialised as tables, so that the salt is not stored
    in a view definition the BI users can read.
-#}
{% macro pseudonymize(expression) -%}
    case
        when {{ expression }} is null then null
        else {{ sha256_hex(dbt.concat([pseudonym_salt(), "'|'", 'cast(' ~ expression ~ ' as ' ~ dbt.type_string() ~ ')'])) }}
    end
{%- endmacro %}


{#- The salt as a quoted SQL string literal (see pseudonymize). -#}
{% macro pseudonym_salt() -%}
    {%- set from_environment = env_var('SCORECARD_PSEUDONYM_SALT', '') -%}
    {%- if from_environment == '' and var('require_pseudonym_salt', false) -%}
        {{ exceptions.raise_compiler_error(
            'SCORECARD_PSEUDONYM_SALT is not set, and require_pseudonym_salt is true: '
            ~ 'set the environment variable to the secret salt of this warehouse.'
        ) }}
    {%- endif -%}
    {%- set salt = from_environment or var('pseudonym_salt', 'local-dev-salt-NOT-FOR-PRODUCTION') -%}
    '{{ salt | replace("'", "''") }}'
{%- endmacro %}


{#-
    sha256_hex(expression): lowercase hexadecimal SHA-256 of a string expression's
    UTF-8 bytes, 64 characters. Dispatched: each engine spells it differently, and an
    engine without an implementation fails at compile time rather than falling back
    to a weaker hash.
-#}
{% macro sha256_hex(expression) -%}
    {{ return(adapter.dispatch('sha256_hex', 'scorecard_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__sha256_hex(expression) -%}
    {{ exceptions.raise_compiler_error(
        'sha256_hex (used by pseudonymize) has no implementation for the '
        ~ adapter.type() ~ ' adapter: add ' ~ adapter.type() ~ '__sha256_hex to macros/pseudonymize.sql'
    ) }}
{%- endmacro %}

{% macro duckdb__sha256_hex(expression) -%}
    sha256({{ expression }})
{%- endmacro %}

{% macro postgres__sha256_hex(expression) -%}
    encode(sha256(convert_to({{ expression }}, 'UTF8')), 'hex')
{%- endmacro %}

{% macro spark__sha256_hex(expression) -%}
    sha2({{ expression }}, 256)
{%- endmacro %}
