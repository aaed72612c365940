{#- Band calibration per line manager and fiscal quarter: for every band in force at the
    quarter end (seeds/score_bands.csv), how many of the manager's scored baseline
    scorecards fall in it, their share, and the guideline shares of the band
    (guideline_max_share, e.g. at most 20% excellent; guideline_min_share, e.g. at least
    5% fail). A band outside its guideline is flagged, unless the manager has fewer
    scored scorecards than var('calibration_min_scorecards') (default 3): those rows are
    reported as too_small_to_judge and never flagged. Scorecards without a manager or
    without an overall score are left out. -#}
{%- set min_scorecards = var('calibration_min_scorecards', 3) -%}

with

scorecards as (

    select * from {{ ref('int_scorecards_scored') }}
    where scenario_id = 'baseline'
        and manager_employee_id is not null
        and band_code is not null

),

score_bands as (

    select * from {{ ref('score_bands') }}

),

manager_quarters as (

    select
        manager_employee_id,
        fiscal_quarter,
        period_end_date,
        count(*) as scorecard_count
    from scorecards
    group by
        manager_employee_id,
        fiscal_quarter,
        period_end_date

),

band_counts as (

    select
        manager_employee_id,
        fiscal_quarter,
        band_code,
        count(*) as band_count
    from scorecards
    group by
        manager_employee_id,
        fiscal_quarter,
        band_code

),

-- Every band in force for every manager and quarter, also the bands nobody is in.
manager_bands as (

    select
        manager_quarters.manager_employee_id,
        manager_quarters.fiscal_quarter,
        manager_quarters.scorecard_count,
        score_bands.band_code,
        score_bands.version as band_version,
        score_bands.band_rank,
        score_bands.guideline_max_share,
        score_bands.guideline_min_share,
        coalesce(band_counts.band_count, 0) as band_count
    from manager_quarters
    inner join score_bands
        on {{ definition_in_force('score_bands', 'manager_quarters.period_end_date') }}
    left join band_counts
        on manager_quarters.manager_employee_id = band_counts.manager_employee_id
        and manager_quarters.fiscal_quarter = band_counts.fiscal_quarter
        and score_bands.band_code = band_counts.band_code

),

shares as (

    select
        *,
        cast(band_count as {{ dbt.type_float() }})
        / cast(scorecard_count as {{ dbt.type_float() }}) as band_share
    from manager_bands

),

judged as (

    select
        *,
        case
            when scorecard_count < {{ min_scorecards }} then 'too_small_to_judge'
            when band_share > guideline_max_share then 'above_guideline'
            when band_share < guideline_min_share then 'below_guideline'
            else 'within_guideline'
        end as calibration_status
    from shares

),

final as (

    select
        cast(
            {{ surrogate_key(['manager_employee_id', 'fiscal_quarter', 'band_code']) }}
            as {{ dbt.type_string() }}
        ) as band_calibration_id,
        cast(manager_employee_id as {{ dbt.type_string() }}) as manager_employee_id,
        cast(fiscal_quarter as {{ dbt.type_string() }}) as fiscal_quarter,
        cast(band_code as {{ dbt.type_string() }}) as band_code,
        band_rank,
        band_version,
        cast(scorecard_count as integer) as scorecard_count,
        cast(band_count as integer) as band_count,
        cast(band_share as {{ dbt.type_float() }}) as band_share,
        guideline_max_share,
        guideline_min_share,
        cast(calibration_status as {{ dbt.type_string() }}) as calibration_status,
        calibration_status in ('above_guideline', 'below_guideline') as is_outside_guideline
    from judged

)

select * from final
