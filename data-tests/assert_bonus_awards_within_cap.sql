-- No bonus award exceeds max_award_multiple_of_average x the average award (cap_rc) by
-- more than half a cent: the cap is a hard limit, rounding included
-- (docs/scorecards.md "Bonus pool"). Returns the awards above the cap.
with

allocations as (

    select * from {{ ref('fct_bonus_allocations') }}

)

select *
from allocations
where award_rc > 0
    and (cap_rc is null or award_rc - cap_rc > 0.005)
