-- The band and the traffic light of a scorecard never disagree (docs/scorecards.md,
-- "Bands and traffic lights"): within a quarter every scorecard of a band has the same
-- light, and only the lowest band (fail) raises a PIP. Returns each disagreement.
with

scorecards as (

    select * from {{ ref('fct_scorecards') }}
    where band_code is not null

),

lowest_band as (

    select band_code
    from {{ ref('score_bands') }}
    where band_rank = (select max(band_rank) from {{ ref('score_bands') }})

),

lights_per_band as (

    select
        fiscal_quarter,
        band_code,
        count(distinct traffic_light) as light_count,
        min(traffic_light) as first_light,
        max(traffic_light) as last_light
    from scorecards
    group by fiscal_quarter, band_code

)

select
    fiscal_quarter,
    band_code,
    'band with ' || cast(light_count as {{ dbt.type_string() }}) || ' lights: '
    || first_light || ', ' || last_light as disagreement
from lights_per_band
where light_count > 1

union all

select
    fiscal_quarter,
    band_code,
    'PIP candidate ' || employee_id || ' in band ' || band_code as disagreement
from scorecards
where is_pip_candidate
    and band_code not in (select band_code from lowest_band)
