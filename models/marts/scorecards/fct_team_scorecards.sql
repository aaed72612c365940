{#- Baseline scorecards summed up per team, line manager and fiscal quarter (the team and
    manager of each scorecard's role assignment): scorecards (headcount), distinct
    employees, scored scorecards, mean and median overall score, count and share of
    every band (share of the scored scorecards) and the red (PIP) count.
    Band columns: one pair per code in var('scorecard_band_codes'), which must match the
    band codes of seeds/score_bands.csv (and the model's contract). -#}
{%- set band_codes = var('scorecard_band_codes', ['excellent', 'pass', 'fail']) -%}

with

scorecards as (

    select * from {{ ref('int_scorecards_scored') }}
    where scenario_id = 'baseline'

),

team_quarters as (

    select
        team_id,
        manager_employee_id,
        fiscal_quarter,
        count(*) as headcount,
        count(distinct employee_id) as employee_count,
        count(overall_score) as scored_count,
        avg(overall_score) as mean_overall_score,
        {{ median('overall_score') }} as median_overall_score,
        {% for band_code in band_codes %}
        count(case when band_code = '{{ band_code }}' then 1 end) as {{ band_code }}_count,
        {% endfor %}
        count(case when is_pip_candidate then 1 end) as red_count
    from scorecards
    group by
        team_id,
        manager_employee_id,
        fiscal_quarter

),

final as (

    select
        cast(
            {{ surrogate_key([
                "coalesce(team_id, '')", "coalesce(manager_employee_id, '')", 'fiscal_quarter'
            ]) }}
            as {{ dbt.type_string() }}
        ) as team_scorecard_id,
        cast(team_id as {{ dbt.type_string() }}) as team_id,
        cast(manager_employee_id as {{ dbt.type_string() }}) as manager_employee_id,
        cast(fiscal_quarter as {{ dbt.type_string() }}) as fiscal_quarter,
        cast(headcount as integer) as headcount,
        cast(employee_count as integer) as employee_count,
        cast(scored_count as integer) as scored_count,
        cast(mean_overall_score as {{ dbt.type_float() }}) as mean_overall_score,
        cast(median_overall_score as {{ dbt.type_float() }}) as median_overall_score,
        {% for band_code in band_codes %}
        cast({{ band_code }}_count as integer) as {{ band_code }}_count,
        cast(
            case
                when scored_count > 0
                    then cast({{ band_code }}_count as {{ dbt.type_float() }})
                        / cast(scored_count as {{ dbt.type_float() }})
            end as {{ dbt.type_float() }}
        ) as {{ band_code }}_share,
        {% endfor %}
        cast(red_count as integer) as red_count
    from team_quarters

)

select * from final
