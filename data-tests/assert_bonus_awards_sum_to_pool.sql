-- The bonus awards of every quarter with at least one eligible scorecard add up to the
-- quarter's pool to the cent (largest remainder rounding, docs/scorecards.md "Bonus
-- pool"). A quarter without eligible scorecards pays nothing and is not checked.
-- Returns the quarters that do not add up.
with

allocations as (

    select * from {{ ref('fct_bonus_allocations') }}

),

quarters as (

    select
        fiscal_quarter,
        max(pool_rc) as pool_rc,
        max(eligible_count) as eligible_count,
        sum(award_rc) as awarded_rc
    from allocations
    group by fiscal_quarter

)

select *
from quarters
where eligible_count > 0
    and abs(awarded_rc - pool_rc) >= 0.005
