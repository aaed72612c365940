{#- The quarter's bonus pool shared among the eligible scorecards (docs/scorecards.md,
    "Bonus pool"). One row per scorecard of the quarter; scorecards that are not
    eligible are listed with an award of 0 and the reason.

    1. Eligible: role eligible, band_rank <= min_band_rank_for_award, comparable_score > 0.
       performance_coefficient = comparable_score x role_day_share.
    2. cap_rc = max_award_multiple_of_average x pool_rc / eligible_count.
    3. Water-filling without loops: order the eligible by coefficient descending (ties by
       employee_id, assignment_id). Capping the first k leaves pool_rc - k x cap_rc for
       the others, shared in proportion to their coefficients; the largest of those
       shares is that of position k + 1: (pool_rc - k x cap_rc) x c[k+1] / (sum of c
       from position k + 1 on). The capped set is the smallest k whose share fits under
       the cap. The suffix sums come from a window function.
    4. Cents by the largest remainder method: every exact award is floored to the cent;
       the cents left over (fewer than eligible_count) go one each to the largest
       remainders (ties by employee_id, assignment_id), skipping awards that one more
       cent would lift above the cap, so that the awards sum to pool_rc exactly (see
       cent_slots for the rare case of more leftover cents than awards with room). -#}

{#- Tolerances of floating-point comparisons (far below a cent): in the reporting
    currency, and the same in cents. -#}
{%- set epsilon = '0.000001' -%}
{%- set cent_epsilon = '0.0001' -%}

with

scorecards as (

    select * from {{ ref('fct_scorecards') }}

),

pools as (

    select * from {{ ref('int_bonus_pools') }}

),

scorecards_with_rule as (

    select
        scorecards.scorecard_id,
        scorecards.fiscal_quarter,
        scorecards.employee_id,
        scorecards.assignment_id,
        scorecards.role_code,
        scorecards.is_bonus_eligible,
        scorecards.band_rank,
        scorecards.comparable_score,
        cast(scorecards.comparable_score as {{ dbt.type_float() }})
        * cast(scorecards.role_day_share as {{ dbt.type_float() }})
            as performance_coefficient,
        pools.fiscal_quarter is not null as has_pool_rule,
        pools.min_band_rank_for_award,
        pools.max_award_multiple_of_average,
        pools.pool_cents,
        pools.pool_rc,
        pools.rule_version,
        pools.rule_hash
    from scorecards
    left join pools
        on scorecards.fiscal_quarter = pools.fiscal_quarter

),

-- Reasons are checked score, band, role: fct_scorecards.is_bonus_eligible may already
-- include the band condition, so a failing band is named as such before the role.
eligibility as (

    select
        *,
        case
            when not has_pool_rule then 'no pool rule in force'
            when band_rank is null or comparable_score is null or performance_coefficient is null
                then 'no score'
            when band_rank > min_band_rank_for_award then 'band below minimum'
            when not coalesce(is_bonus_eligible, false) then 'role not eligible'
            when comparable_score <= 0 or performance_coefficient <= 0 then 'no score'
        end as not_eligible_reason
    from scorecards_with_rule

),

quarter_eligibility as (

    select
        fiscal_quarter,
        cast(
            sum(case when not_eligible_reason is null then 1 else 0 end) as integer
        ) as eligible_count,
        sum(case when not_eligible_reason is null then performance_coefficient end)
            as total_coefficient
    from eligibility
    group by fiscal_quarter

),

eligible as (

    select
        eligibility.scorecard_id,
        eligibility.fiscal_quarter,
        eligibility.employee_id,
        eligibility.assignment_id,
        eligibility.performance_coefficient,
        eligibility.pool_rc,
        eligibility.pool_cents,
        quarter_eligibility.eligible_count,
        quarter_eligibility.total_coefficient,
        eligibility.max_award_multiple_of_average * eligibility.pool_rc
        / quarter_eligibility.eligible_count as cap_rc
    from eligibility
    inner join quarter_eligibility
        on eligibility.fiscal_quarter = quarter_eligibility.fiscal_quarter
    where eligibility.not_eligible_reason is null

),

eligible_ranked as (

    select
        *,
        row_number() over (
            partition by fiscal_quarter
            order by performance_coefficient desc, employee_id asc, assignment_id asc
        ) as coefficient_rank,
        sum(performance_coefficient) over (
            partition by fiscal_quarter
            order by performance_coefficient desc, employee_id asc, assignment_id asc
            rows between current row and unbounded following
        ) as suffix_coefficient
    from eligible

),

-- Row at position k + 1 tests "the first k capped": does its share of the rest fit?
capping_candidates as (

    select
        *,
        (pool_rc - (coefficient_rank - 1) * cap_rc) * performance_coefficient
        / suffix_coefficient as share_if_first_uncapped
    from eligible_ranked

),

quarter_capping as (

    select
        fiscal_quarter,
        -- Smallest k that fits; none fits only if max_award_multiple_of_average < 1:
        -- then everyone sits at the cap (and the awards cannot reach the pool).
        coalesce(
            min(
                case
                    when share_if_first_uncapped <= cap_rc + {{ epsilon }} then coefficient_rank
                end
            ) - 1,
            max(coefficient_rank)
        ) as capped_count
    from capping_candidates
    group by fiscal_quarter

),

water_levels as (

    select
        capping_candidates.fiscal_quarter,
        quarter_capping.capped_count,
        (capping_candidates.pool_rc - quarter_capping.capped_count * capping_candidates.cap_rc)
        / capping_candidates.suffix_coefficient as award_per_coefficient
    from capping_candidates
    inner join quarter_capping
        on capping_candidates.fiscal_quarter = quarter_capping.fiscal_quarter
        and capping_candidates.coefficient_rank = quarter_capping.capped_count + 1

),

exact_awards as (

    select
        capping_candidates.scorecard_id,
        capping_candidates.fiscal_quarter,
        capping_candidates.employee_id,
        capping_candidates.assignment_id,
        capping_candidates.pool_cents,
        capping_candidates.cap_rc,
        capping_candidates.coefficient_rank <= quarter_capping.capped_count as is_capped,
        case
            when capping_candidates.coefficient_rank <= quarter_capping.capped_count
                then capping_candidates.cap_rc
            else water_levels.award_per_coefficient * capping_candidates.performance_coefficient
        end as exact_award_rc
    from capping_candidates
    inner join quarter_capping
        on capping_candidates.fiscal_quarter = quarter_capping.fiscal_quarter
    left join water_levels
        on capping_candidates.fiscal_quarter = water_levels.fiscal_quarter

),

floored_awards as (

    select
        *,
        cast(floor(exact_award_rc * 100 + {{ cent_epsilon }}) as {{ dbt.type_bigint() }})
            as floor_cents,
        cast(floor(cap_rc * 100 + {{ cent_epsilon }}) as {{ dbt.type_bigint() }})
            as cap_floor_cents
    from exact_awards

),

remainders as (

    select
        *,
        -- Remainder in millionths of a cent, so that equal remainders tie exactly.
        cast(
            floor((exact_award_rc * 100 - floor_cents) * 1000000 + 0.5)
            as {{ dbt.type_bigint() }}
        ) as remainder_micro_cents,
        -- Whole cents the award can still grow by without passing the cap (0 at the cap).
        case
            when cap_floor_cents - floor_cents > 0 then cap_floor_cents - floor_cents
            else 0
        end as room_cents,
        pool_cents - sum(floor_cents) over (partition by fiscal_quarter) as leftover_cents
    from floored_awards

),

-- The leftover cents are handed out in slots, in order: (1) one cent to each award with
-- room for it, largest remainder first -- the largest remainder method, which is all
-- that is ever needed unless many awards sit at a cap that is not a whole cent; (2) more
-- cents within the room, same order; (3) only if the caps leave too little room
-- (max_award_multiple_of_average about 1), one cent each past the cap, same order, so
-- that the awards still sum to the pool (assert_bonus_awards_within_cap reports it).
-- Fewer cents are left over than there are awards, so (3) always suffices when
-- max_award_multiple_of_average >= 1.
slot_tiers as (

    select 1 as slot_tier
    union all
    select 2 as slot_tier
    union all
    select 3 as slot_tier

),

cent_slots as (

    select
        remainders.scorecard_id,
        remainders.fiscal_quarter,
        remainders.employee_id,
        remainders.assignment_id,
        remainders.remainder_micro_cents,
        remainders.leftover_cents,
        slot_tiers.slot_tier,
        case slot_tiers.slot_tier
            when 1 then case when remainders.room_cents >= 1 then 1 else 0 end
            when
                2
                then case when remainders.room_cents >= 2 then remainders.room_cents - 1 else 0 end
            else 1
        end as slot_cents
    from remainders
    cross join slot_tiers

),

cent_slots_filled as (

    select
        scorecard_id,
        leftover_cents,
        slot_cents,
        coalesce(
            sum(slot_cents) over (
                partition by fiscal_quarter
                order by
                    slot_tier asc, remainder_micro_cents desc, employee_id asc, assignment_id asc
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as cents_before_slot
    from cent_slots

),

extra_cents as (

    select
        scorecard_id,
        sum(
            case
                when leftover_cents - cents_before_slot <= 0 then 0
                when leftover_cents - cents_before_slot < slot_cents
                    then leftover_cents - cents_before_slot
                else slot_cents
            end
        ) as extra_cents
    from cent_slots_filled
    group by scorecard_id

),

rounded_awards as (

    select
        remainders.scorecard_id,
        remainders.is_capped,
        cast(remainders.floor_cents + extra_cents.extra_cents as {{ dbt.type_float() }}) / 100
            as award_rc
    from remainders
    inner join extra_cents
        on remainders.scorecard_id = extra_cents.scorecard_id

),

final as (

    select
        eligibility.fiscal_quarter,
        eligibility.employee_id,
        eligibility.assignment_id,
        eligibility.scorecard_id,
        eligibility.role_code,
        cast(coalesce(eligibility.pool_rc, 0) as {{ dbt.type_float() }}) as pool_rc,
        cast(coalesce(quarter_eligibility.eligible_count, 0) as integer) as eligible_count,
        cast(eligibility.performance_coefficient as {{ dbt.type_float() }})
            as performance_coefficient,
        cast(
            case
                when eligibility.not_eligible_reason is null
                    then eligibility.performance_coefficient / quarter_eligibility.total_coefficient
                else 0
            end as {{ dbt.type_float() }}
        ) as coefficient_share,
        cast(
            case
                when eligibility.not_eligible_reason is null
                    then eligibility.pool_rc * eligibility.performance_coefficient
                        / quarter_eligibility.total_coefficient
                else 0
            end as {{ dbt.type_float() }}
        ) as uncapped_award_rc,
        cast(
            case
                when quarter_eligibility.eligible_count > 0
                    then eligibility.max_award_multiple_of_average * eligibility.pool_rc
                        / quarter_eligibility.eligible_count
            end as {{ dbt.type_float() }}
        ) as cap_rc,
        coalesce(rounded_awards.is_capped, false) as is_capped,
        -- Fractions of a cent, so fixed at 6 decimals: float noise (1e-12) stays out.
        {{ six_decimals(
            "case
                when eligibility.not_eligible_reason is null
                    then rounded_awards.award_rc
                        - eligibility.pool_rc * eligibility.performance_coefficient
                        / quarter_eligibility.total_coefficient
                else 0
            end"
        ) }} as redistributed_rc,
        cast(coalesce(rounded_awards.award_rc, 0) as {{ dbt.type_float() }}) as award_rc,
        eligibility.not_eligible_reason,
        eligibility.rule_version,
        eligibility.rule_hash
    from eligibility
    inner join quarter_eligibility
        on eligibility.fiscal_quarter = quarter_eligibility.fiscal_quarter
    left join rounded_awards
        on eligibility.scorecard_id = rounded_awards.scorecard_id

)

select * from final
