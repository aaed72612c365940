{#-
    Type names on Spark. Contracts (models/marts/**/_*.yml) and seed column_types are
    written once in the portable names DuckDB and PostgreSQL share (varchar, double
    precision). Spark rejects a VARCHAR without a length and has no DOUBLE PRECISION,
    so these overrides translate them where dbt-spark turns a declared type into SQL:
    the casts of a contract check and the DDL and inserts of a seed.
-#}

{#- spark_type(type): the Spark spelling of a declared column type. -#}
{% macro spark_type(type) -%}
    {%- set normalized = type | lower | trim -%}
    {%- if normalized in ('varchar', 'text', 'character varying') -%}
        string
    {%- elif normalized == 'double precision' -%}
        double
    {%- else -%}
        {{ type }}
    {%- endif -%}
{%- endmacro %}

{#- dbt.cast on Spark: the contract check casts NULL to every declared type. -#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ spark_type(type) }})
{%- endmacro %}

{#- The model's seed column_types in Spark spelling (idempotent, so both seed macros
    below may apply it). -#}
{% macro _spark_seed_column_types(model) -%}
    {%- set declared = model['config'].get('column_types', {}) or {} -%}
    {%- set translated = {} -%}
    {%- for column, type in declared.items() -%}
        {%- do translated.update({column: spark_type(type)}) -%}
    {%- endfor -%}
    {%- do model['config'].update({'column_types': translated}) -%}
{%- endmacro %}

{% macro spark__create_csv_table(model, agate_table) -%}
    {%- do _spark_seed_column_types(model) -%}
    {{ return(dbt.spark__create_csv_table(model, agate_table)) }}
{%- endmacro %}

{#- Seed rows as literals. dbt-spark's session method binds values by pasting them
    between quotes unescaped (a value "group's" breaks the statement, None becomes
    'None'), so the rows are written as escaped literals here instead. -#}
{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- do _spark_seed_column_types(model) -%}
    {%- set column_types = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for column_name in agate_table.column_names -%}
                    {%- set type = column_types.get(column_name, adapter.convert_type(agate_table, loop.index0)) -%}
                    cast({{ spark_literal(row[loop.index0]) }} as {{ type }}){{ ',' if not loop.last }}
                {%- endfor -%}){{ ',' if not loop.last }}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first %}{% do statements.append(sql) %}{% endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{%- endmacro %}

{#- A Python value as a Spark SQL string literal (NULL for None); backslashes and
    quotes escaped, as Spark reads backslash escapes in literals. -#}
{% macro spark_literal(value) -%}
    {%- if value is none -%}
        null
    {%- else -%}
        '{{ (value | string).replace("\\", "\\\\").replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}
