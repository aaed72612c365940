{#- Refresh by period: the indicator families, their evidence and fct_indicator_values
    recompute only the periods new data can change, and keep the rest.

    `scorecard build` works out from the raw batches that arrived since its last
    successful build the earliest date they can reach (scorecard/refresh_window.py,
    docs/incremental-refresh.md) and passes it as SCORECARD_REFRESH_FROM_DATE, with
    SCORECARD_REFRESH=periods. With them these models are incremental: they recompute
    the periods ending on or after that date (in_refresh_window), and their rows replace
    those periods' rows. Without them (a first build, a full refresh, a plain `dbt
    build`, a new batch of people or reference data, Spark) they are full tables. -#}
{% macro refresh_from_date() -%}
    {%- set value = env_var('SCORECARD_REFRESH_FROM_DATE', '') -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', value) -%}
        {{ exceptions.raise_compiler_error("SCORECARD_REFRESH_FROM_DATE must be YYYY-MM-DD, got '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{#- Whether this run recomputes only some periods (never on Spark: no delete on plain
    Parquet, see incremental_materialization). Models decide their materialisation from
    it while dbt parses, so it reads a flag that is the same in every refresh,
    SCORECARD_REFRESH=periods: dbt re-parses the files that read an environment variable
    whose value changed since the last parse (several seconds), and the refresh date and
    batches change every day. They are read only while the nodes run. -#}
{% macro refreshing_periods() -%}
    {{ return(env_var('SCORECARD_REFRESH', '') == 'periods' and target.type != 'spark') }}
{%- endmacro %}

{#- Incremental during a refresh, else a table: the windowed models, and the staging of
    the daily event tables (which a refresh merges from the new batches). -#}
{% macro refresh_materialization() -%}
    {{ return('incremental' if refreshing_periods() else 'table') }}
{%- endmacro %}

{#- Rows of `grid` (int_employee_periods) in the periods this run recomputes: those
    ending on or after the start of the fiscal quarter holding the refresh date. -#}
{% macro refreshed_periods_condition(grid) -%}
    period_end_date >= (
        select min(quarters.period_start_date)
        from {{ grid }} as quarters
        where quarters.period_grain = 'quarter'
            and {{ ends_from_refresh_date('quarters.period_end_date') }}
    )
{%- endmacro %}

{#- A period ending on or after the refresh date: one the new batches can change. -#}
{% macro ends_from_refresh_date(period_end_column='period_end_date') -%}
    {{ period_end_column }} >= cast('{{ refresh_from_date() }}' as date)
{%- endmacro %}

{#- Whether this model run recomputes only some periods: a windowed model, refreshing,
    with rows to keep. (`this` is none in unit tests, which always see the whole grid.) -#}
{% macro recomputing_periods() -%}
    {{ return(this is not none and refreshing_periods() and is_incremental()) }}
{%- endmacro %}

{#- In a windowed model: a condition on its grid rows, true for the periods this run
    recomputes: those ending on or after the refresh date. No event changes a period
    that ended before its dates, and no family but the customer one reads other
    periods' grid rows. The customer family builds a quarter's
    key_customer_revisit_coverage from its months, so it reads the grid from the start
    of the quarter (`reach='quarter'`) and writes only the periods ending on or after
    the refresh date (in_refresh_output). -#}
{% macro in_refresh_window(reach='period') -%}
    {%- if recomputing_periods() -%}
        {%- if reach == 'quarter' -%}
            {{ refreshed_periods_condition(ref('int_employee_periods')) }}
        {%- else -%}
            {{ ends_from_refresh_date() }}
        {%- endif -%}
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{#- For a model reading the grid from the quarter start: a condition on its output rows,
    true for the periods ending on or after the refresh date (`grid`: its grid CTE). -#}
{% macro in_refresh_output(grid) -%}
    {%- if recomputing_periods() -%}
        period_key in (select period_key from {{ grid }} where {{ ends_from_refresh_date() }})
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{#- incremental_strategy='replace_periods': the periods in the new rows replace their old
    rows, and periods no longer in the grid (the first event moved later) go. -#}
{% macro get_incremental_replace_periods_sql(arg_dict) -%}
    delete from {{ arg_dict['target_relation'] }}
    where period_key in (select period_key from {{ arg_dict['temp_relation'] }})
        or period_key not in (select period_key from {{ ref('int_employee_periods') }});
    {{ get_incremental_append_sql(arg_dict) }}
{%- endmacro %}

{#- Tests read a model through get_where_subquery. In a refresh they check what it
    changed: the periods a windowed model rewrote, the rows of the new raw batches in a
    staging model. The other rows were tested when they were written and have not
    changed since (a new batch of people or reference data, a lost batch or a code change
    make a full build, which tests everything). dbt's own `where` config still applies. -#}
{% macro get_where_subquery(relation) -%}
    {%- set tested = tested_model(relation) -%}
    {%- set conditions = [config.get('where', ''), refreshed_periods_filter(tested), new_batches_filter(tested)] | select | list -%}
    {%- if conditions -%}
        {%- do return("(select * from " ~ relation ~ " where " ~ (conditions | join(" and ")) ~ ") dbt_subquery") -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{#- The model node behind a relation (none for seeds, sources, or outside a run). -#}
{% macro tested_model(relation) -%}
    {%- if not (execute and refreshing_periods()) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model'
            and node.alias == relation.identifier and node.schema == relation.schema -%}
        {{ return(node) }}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}

{#- For a windowed model during a refresh: a condition keeping the periods this run
    recomputed; else ''. -#}
{% macro refreshed_periods_filter(node) -%}
    {%- if node is none or not refreshing_periods() or node.config.incremental_strategy != 'replace_periods' -%}
        {{ return('') }}
    {%- endif -%}
    {%- set grid = graph.nodes['model.' ~ project_name ~ '.int_employee_periods'] -%}
    {%- set grid_relation = api.Relation.create(database=grid.database, schema=grid.schema, identifier=grid.alias) -%}
    {{ return("period_key in (select period_key from " ~ grid_relation ~ " where "
        ~ refreshed_periods_condition(grid_relation) ~ ")") }}
{%- endmacro %}

{#- For a staging model during a refresh: a condition keeping the rows of the raw
    batches of its source that arrived since the last build; '1 = 0' when none did,
    which spares the test reading the model at all; else ''. -#}
{% macro new_batches_filter(node) -%}
    {%- if node is none or node.fqn[1] != 'staging' -%}
        {{ return('') }}
    {%- endif -%}
    {%- set tables = [] -%}
    {%- for dependency in node.depends_on.nodes if dependency.startswith('source.') -%}
        {%- do tables.append(dependency.split('.', 2)[2]) -%}
    {%- endfor -%}
    {{ return(batch_condition('batch_id', new_batches(tables))) }}
{%- endmacro %}

{#- The ids of the raw batches of `tables` (`<source>.<table>`) that arrived since the
    last build (SCORECARD_REFRESH_BATCHES, `<source>.<table>:<batch id>,...`). -#}
{% macro new_batches(tables) -%}
    {%- set batches = [] -%}
    {%- for pair in env_var('SCORECARD_REFRESH_BATCHES', '').split(',') | select -%}
        {%- set table, batch = pair.split(':', 1) -%}
        {%- if not modules.re.fullmatch('[A-Za-z0-9_.-]+', batch) -%}
            {{ exceptions.raise_compiler_error("SCORECARD_REFRESH_BATCHES: not a batch id: " ~ batch) }}
        {%- endif -%}
        {%- if table in tables -%}
            {%- do batches.append(batch) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(batches) }}
{%- endmacro %}

{% macro batch_condition(column, batches) -%}
    {{ return(column ~ " in ('" ~ (batches | join("', '")) ~ "')" if batches else "1 = 0") }}
{%- endmacro %}

{#- The staging of a daily event table keeps the latest version of each key. A refresh
    reads only the new batches of its source (`where {{ in_new_batches('crm.orders') }}`),
    adds the versions it stored of the same keys (with_stored_versions), keeps the latest
    and replaces those keys' rows (delete+insert): the same rows as picking the latest
    over the whole raw zone, which is what a whole build does. -#}
{% macro in_new_batches(table) -%}
    {%- if is_incremental() -%}
        {{ batch_condition('_batch_id', new_batches([table])) }}
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{% macro with_stored_versions(relation, key_column) -%}
    select * from {{ relation }}
    {%- if is_incremental() %}
    union all
    select * from {{ this }}
    where {{ key_column }} in (select {{ key_column }} from {{ relation }})
    {%- endif %}
{%- endmacro %}
