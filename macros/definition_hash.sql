{#- md5 over the given columns of a definition row, each cast to text, nulls as
    empty and fields separated by '|', so a change to any field changes the hash. -#}
{% macro definition_hash(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(" ~ portable_text(column) ~ ", '')") -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
