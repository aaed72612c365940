{#- The contract of the contribution models (int_<family>_indicator_contributions) and the
    one aggregation that turns contributions into indicator values
    (docs/indicator-families.md, "Contributions"). -#}

{#- The indicator families, each with its int_<family>_indicator_contributions model. -#}
{% macro indicator_families() -%}
    {{ return(['sales', 'customer', 'operations', 'finance', 'channel', 'survey', 'learning']) }}
{%- endmacro %}

{#- The columns every contribution model emits, in order, with their portable types. -#}
{% macro contribution_columns() -%}
    {{ return([
        ('employee_id', dbt.type_string()),
        ('assignment_id', dbt.type_string()),
        ('period_grain', dbt.type_string()),
        ('period_key', dbt.type_string()),
        ('indicator_code', dbt.type_string()),
        ('source_table', dbt.type_string()),
        ('source_key', dbt.type_string()),
        ('source_file', dbt.type_string()),
        ('source_row_number', dbt.type_bigint()),
        ('batch_id', dbt.type_string()),
        ('numerator_contribution', dbt.type_float()),
        ('denominator_contribution', dbt.type_float()),
        ('observation_value', dbt.type_float()),
        ('null_reason', dbt.type_string()),
        ('empty_reason', dbt.type_string()),
        ('note', dbt.type_string()),
    ]) }}
{%- endmacro %}

{#- A contribution model's output: its rows with the contract's columns and types. -#}
{% macro indicator_contribution_output(relation) -%}
    select
        {%- for column, data_type in contribution_columns() %}
        cast({{ column }} as {{ data_type }}) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ relation }}
{%- endmacro %}

{#- The key and lineage columns of a contribution row drawn from a source row: the grid
    row's key (columns of `grid`, a relation name, or unqualified), the indicator, the
    source table's contract name and key, and the row's lineage (columns of `lineage`,
    by default the same relation as the grid key). -#}
{% macro contribution_source(indicator_code, source_table, source_key, grid=none, lineage=none) -%}
    {%- set g = grid ~ '.' if grid else '' -%}
    {%- set l = lineage ~ '.' if lineage else g -%}
        {{ g }}employee_id,
        {{ g }}assignment_id,
        {{ g }}period_grain,
        {{ g }}period_key,
        '{{ indicator_code }}' as indicator_code,
        '{{ source_table }}' as source_table,
        {{ source_key }} as source_key,
        {{ l }}source_file,
        {{ l }}source_row_number,
        {{ l }}batch_id
{%- endmacro %}

{#- The observation and the reasons of a contribution row, each a SQL expression or, left
    out, a typed null: observation_value (what a median reads), null_reason (this row
    makes the value undefined) and empty_reason (what an empty value means). -#}
{% macro contribution_details(observation_value=none, null_reason=none, empty_reason=none) -%}
    {%- set null_float = 'cast(null as ' ~ dbt.type_float() ~ ')' -%}
    {%- set null_text = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
    {{ null_float if observation_value is none else observation_value }} as observation_value,
        {{ null_text if null_reason is none else null_reason }} as null_reason,
        {{ null_text if empty_reason is none else empty_reason }} as empty_reason
{%- endmacro %}

{#- The attribution rule (docs/indicator-families.md, "Rules every family follows"), as a
    join condition: a source row belongs to the row of `grid` of its employee
    (`employee_column`) whose overlap range contains its date (`event_date`, a date
    expression). -#}
{% macro attributed_to_grid_row(employee_column, event_date, grid='grid') -%}
    {{ grid }}.employee_id = {{ employee_column }}
        and {{ event_date }} >= {{ grid }}.overlap_start_date
        and {{ event_date }} <= {{ grid }}.overlap_end_date
{%- endmacro %}

{#- A window partition by the grid row (`grid`, a relation name, or unqualified) and
    `columns`: ranks and counts within one grid row, such as the first row of each
    entity that a distinct count puts its 1 on. -#}
{% macro grid_row_partition(grid=none, columns=[]) -%}
    {%- set g = grid ~ '.' if grid else '' -%}
    partition by {{ g }}employee_id, {{ g }}assignment_id, {{ g }}period_grain, {{ g }}period_key
        {%- for column in columns %}, {{ column }}{% endfor %}
{%- endmacro %}

{#- One 'grid' contribution per row of `grid` for an indicator (rule R6): the value exists
    even when no source row contributes, empty_reason says what an empty value means for
    this indicator (used when the denominator sums to 0), and null_reason, a SQL
    expression over the grid row, makes the value undefined where the row itself cannot
    be scored (rule R5: the assignment not held at the period end). Counts and sums have
    no empty_reason: their denominator is 1, and zero is a true zero. A per-month rate
    puts the months of the period in `denominator` (rule R4: "3 months" is then a row
    `explain` can show); a period that cannot be measured at all can make `numerator`
    null, so the value's numerator is unknown rather than 0. -#}
{% macro grid_contributions(indicator_code, empty_reason=none, null_reason='null', denominator='0', numerator='0') -%}
    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        '{{ indicator_code }}' as indicator_code,
        'grid' as source_table,
        grid.period_key as source_key,
        cast(null as {{ dbt.type_string() }}) as source_file,
        cast(null as {{ dbt.type_bigint() }}) as source_row_number,
        cast(null as {{ dbt.type_string() }}) as batch_id,
        {{ numerator }} as numerator_contribution,
        {{ denominator }} as denominator_contribution,
        {{ contribution_details(
            null_reason=null_reason,
            empty_reason=none if empty_reason is none else "'" ~ empty_reason ~ "'"
        ) }},
        'the period row itself, not a source row' as note
    from grid
{%- endmacro %}

{#- Numerator, denominator, source_row_count and null_reason per grid row and indicator,
    from the contributions and the definition in force (its `aggregation`):
      ratio           sum of numerator / sum of denominator contributions (R1);
      sum,
      distinct_count  sum of numerator contributions over the constant 1 (R2, R4);
      median          median of the observations over the constant 1 (R3).
    Sums are strict: one null contribution makes the sum null (the row says why in its
    null_reason); never let sum() skip a row.
    A contribution with a null_reason makes the value undefined with that reason (the
    first and last in text order when rows disagree: "A; B", "A; ...; B (3 different
    reasons)"), and how many source rows say so: "(3 of 12 source rows)"; otherwise a zero denominator (or a median of
    nothing) gives the empty_reason of the source rows, else of the 'grid' row, and a
    negative denominator (credit notes above the invoices) "no value: <denominator
    definition> is negative". source_row_count counts source rows, never 'grid' rows (R7). -#}
{% macro indicator_values_from_contributions(contributions, definitions) -%}
    select
        sums.employee_id,
        sums.assignment_id,
        sums.period_grain,
        sums.period_key,
        sums.indicator_code,
        sums.numerator,
        sums.denominator,
        sums.source_row_count,
        case
            when sums.null_reason is not null
                then sums.null_reason
                    || case
                        when sums.null_reason_count > 1
                            then '; ' || case when sums.null_reason_count > 2 then '...; ' else '' end
                                || sums.last_null_reason
                                || case
                                    when sums.null_reason_count > 2
                                        then ' (' || cast(sums.null_reason_count as {{ dbt.type_string() }})
                                            || ' different reasons)'
                                    else ''
                                end
                        else ''
                    end
                    || case
                        when sums.undefined_source_rows > 0
                            then ' (' || cast(sums.undefined_source_rows as {{ dbt.type_string() }})
                                || ' of ' || cast(sums.source_row_count as {{ dbt.type_string() }})
                                || case when sums.source_row_count = 1 then ' source row)' else ' source rows)' end
                        else ''
                    end
            when sums.denominator = 0 or sums.numerator is null then sums.empty_reason
            when sums.denominator < 0 then 'no value: ' || sums.denominator_definition || ' is negative'
        end as null_reason
    from (
    select
        {{ contributions }}.employee_id,
        {{ contributions }}.assignment_id,
        {{ contributions }}.period_grain,
        {{ contributions }}.period_key,
        {{ contributions }}.indicator_code,
        case
            when max({{ definitions }}.aggregation) = 'median'
                then {{ median(contributions ~ '.observation_value') }}
            else {{ strict_sum(contributions ~ '.numerator_contribution') }}
        end as numerator,
        case
            when max({{ definitions }}.aggregation) in ('sum', 'distinct_count', 'median') then 1
            else {{ strict_sum(contributions ~ '.denominator_contribution') }}
        end as denominator,
        sum(case when {{ contributions }}.source_table <> 'grid' then 1 else 0 end)
            as source_row_count,
        min({{ contributions }}.null_reason) as null_reason,
        max({{ contributions }}.null_reason) as last_null_reason,
        count(distinct {{ contributions }}.null_reason) as null_reason_count,
        sum(
            case
                when {{ contributions }}.source_table <> 'grid' and {{ contributions }}.null_reason is not null
                    then 1
                else 0
            end
        ) as undefined_source_rows,
        max({{ definitions }}.denominator_definition) as denominator_definition,
        -- A source row's empty_reason (a 360 review of a suppressed group) says more than
        -- the grid row's (no review at all).
        coalesce(
            max(case when {{ contributions }}.source_table <> 'grid' then {{ contributions }}.empty_reason end),
            max({{ contributions }}.empty_reason)
        ) as empty_reason
    from {{ contributions }}
    left join {{ definitions }}
        on {{ contributions }}.indicator_code = {{ definitions }}.indicator_code
        and {{ contributions }}.period_grain = {{ definitions }}.period_grain
        and {{ contributions }}.period_key = {{ definitions }}.period_key
    group by
        {{ contributions }}.employee_id,
        {{ contributions }}.assignment_id,
        {{ contributions }}.period_grain,
        {{ contributions }}.period_key,
        {{ contributions }}.indicator_code
    ) as sums
{%- endmacro %}


{#- sum() that is null as soon as one value is null, where plain sum() skips it. -#}
{#- Summed as exact decimals (12 places: a 360 review's share of a blend weight, 0.4 / 3,
    is exact to 1e-12), so the same rows give the same total in any order and a
    certified quarter never looks revised because of float rounding. -#}
{% macro strict_sum(expression) -%}
    case
        when count(*) = count({{ expression }})
            then cast(sum(cast({{ expression }} as decimal(38, 12))) as {{ dbt.type_float() }})
    end
{%- endmacro %}
