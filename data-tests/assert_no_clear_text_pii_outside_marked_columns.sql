{#-
    Privacy guard driven by the raw contract: a column marked `pii: true` in a
    source (customer names and contacts in crm.accounts, employee names in
    hr.employees) must not appear under its own name in any built model, unless
    that model documents the column with meta `contains_pii: true` (as
    stg_hr__employees does for full_name, for HR-restricted outputs). Customer
    identities leave staging only as `<column>_pseudonym` columns.

    Checks the columns of the relations in the database (not just the docs), for
    every model of this project that has been built. Returns one row per leak.
    Portable: uses the adapter's column listing only.
-#}
-- depends_on: {{ ref('stg_crm__accounts') }}
-- depends_on: {{ ref('stg_hr__employees') }}
{# SQLFluff maps its indentation fixes to the wrong places in this file's jinja (it
    turned `as pii_source_table` into `as_source_table`): no LT02 here. #}
-- noqa: disable=LT02

{%- set leaks = [] -%}
{%- if execute -%}
    {%- set pii_columns = {} -%}
    {%- for source in graph.sources.values() -%}
        {%- for column in source.columns.values() -%}
            {%- if (column.meta or {}).get('pii') -%}
                {%- do pii_columns.update({column.name | lower: source.source_name ~ '.' ~ source.name}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}

    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.package_name == project_name -%}
        {%- set relation = load_relation(
            api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)
        ) -%}
        {%- if relation is not none -%}
            {%- for column in adapter.get_columns_in_relation(relation) -%}
                {%- set name = column.name | lower -%}
                {%- set documented = node.columns.get(name) or node.columns.get(column.name) -%}
                {%- set allowed = documented and (documented.meta or {}).get('contains_pii') -%}
                {%- if name in pii_columns and not allowed -%}
                    {%- do leaks.append((node.name, name, pii_columns[name])) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif %}

with

leaks as (

    {%- for model_name, column_name, source_table in leaks %}
    select
        cast('{{ model_name }}' as {{ dbt.type_string() }}) as model_name,
        cast('{{ column_name }}' as {{ dbt.type_string() }}) as column_name,
        cast('{{ source_table }}' as {{ dbt.type_string() }}) as pii_source_table
    {{ 'union all' if not loop.last }}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as model_name,
        cast(null as {{ dbt.type_string() }}) as column_name,
        cast(null as {{ dbt.type_string() }}) as pii_source_table
    where 1 = 0
    {%- endfor %}

),

final as (

    select * from leaks

)

select * from final
