{#-
    register_raw_sources(): make every source table of this project readable under its
    source() name before a run (on-run-start hook).

    - duckdb: nothing to do; dbt-duckdb reads meta.external_location (the Parquet
      batches of the raw zone) in place.
    - spark: one view per source table over the same Parquet glob
      (`parquet.`<raw>/<source>/<table>/*/*.parquet``), so Spark reads the raw zone in
      place too. The views are recreated on every run: the raw directory comes from the
      environment, and a view's column list is fixed when it is created.
    - other engines (PostgreSQL): their raw tables are loaded before dbt runs
      (scorecard/engines/), so nothing to do here either.
-#}
{% macro register_raw_sources() -%}
    {{ return(adapter.dispatch('register_raw_sources', 'scorecard_warehouse')()) }}
{%- endmacro %}

{% macro default__register_raw_sources() -%}
{%- endmacro %}

{% macro spark__register_raw_sources() -%}
    {%- if execute -%}
        {%- set schemas = [] -%}
        {%- for node in graph.sources.values() if node.package_name == project_name -%}
            {%- set location = node.meta.get('external_location') or node.config.meta.get('external_location') -%}
            {%- if not location -%}
                {{ exceptions.raise_compiler_error(
                    'source ' ~ node.source_name ~ '.' ~ node.name
                    ~ ' has no meta.external_location: Spark cannot find its raw Parquet files'
                ) }}
            {%- endif -%}
            {%- if node.schema not in schemas -%}
                {%- do run_query('create database if not exists ' ~ node.schema) -%}
                {%- do schemas.append(node.schema) -%}
            {%- endif -%}
            {%- do run_query(
                'create or replace view ' ~ node.schema ~ '.' ~ node.identifier
                ~ ' as select * from parquet.`' ~ location.replace('{name}', node.name) ~ '`'
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
