{#-
    dbt.listagg on Spark, with its order_by_clause honoured. dbt-spark's own version
    ignores the ordering (collect_list order depends on the plan), so hashes over
    concatenated definition rows and lists of appeal ids would differ from DuckDB and
    PostgreSQL, and from one Spark run to the next.

    Each non-NULL value is collected with its sort key, the array is sorted (NULL keys
    last ascending and first descending, as on PostgreSQL and DuckDB), then joined. No
    non-NULL value gives NULL, as string_agg does elsewhere (array_join would give '').
    order_by_clause takes one expression: `order by <expression> [asc|desc]`.
-#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- set sort_key = measure -%}
    {%- set descending = false -%}
    {%- if order_by_clause -%}
        {%- set clause = order_by_clause | trim -%}
        {%- if not clause.lower().startswith('order by ') or ',' in clause -%}
            {{ exceptions.raise_compiler_error(
                "listagg on Spark takes one ordering expression ('order by <expression> [asc|desc]'), got: "
                ~ order_by_clause
            ) }}
        {%- endif -%}
        {%- set sort_key = clause[9:] | trim -%}
        {%- if sort_key.lower().endswith(' desc') -%}
            {%- set descending = true -%}
            {%- set sort_key = sort_key[:-5] | trim -%}
        {%- elif sort_key.lower().endswith(' asc') -%}
            {%- set sort_key = sort_key[:-4] | trim -%}
        {%- endif -%}
    {%- endif -%}
    {%- set collected -%}
        array_sort(collect_list(case when ({{ measure }}) is not null then named_struct(
            'sort_key', {{ sort_key }}, 'value', cast({{ measure }} as string)
        ) end))
    {%- endset -%}
    {%- set ordered = 'reverse(' ~ collected ~ ')' if descending else collected -%}
    {%- set values = 'transform(' ~ ordered ~ ', item -> item.value)' -%}
    {%- if limit_num -%}
        {%- set values = 'slice(' ~ values ~ ', 1, ' ~ limit_num ~ ')' -%}
    {%- endif -%}
    case
        when count({{ measure }}) = 0 then null
        else array_join({{ values }}, {{ delimiter_text }})
    end
{%- endmacro %}
