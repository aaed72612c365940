{#- The rows of a converted fact that earn credit in scoring: those whose order
    (`order_column`) the integrity sentinel does not hold out.

    Incremental (delete+insert on `key`): a run writes the fact's rows converted since
    the last run (incremental_window: new or corrected rows, re-converted currencies)
    and the rows no longer held out, which are missing from `this`, unless held out
    now; its post-hook, scored_facts_drop_held_out(), then deletes the rows held out
    now. The other rows are the same in both: a full build gives the same table. -#}
{% macro scored_facts(facts, key, order_column='order_id') -%}
    {%- set held_out = ref('int_integrity_held_out_orders') -%}
    with

    candidates as (

        select facts.* from {{ facts }} as facts
        {{ incremental_window('facts') }}
        {%- if is_incremental() %}

        union

        select facts.* from {{ facts }} as facts
        where not exists (select 1 from {{ this }} as scored where scored.{{ key }} = facts.{{ key }})
        {%- endif %}

    )

    select candidates.*
    from candidates
    where not exists (
        select 1 from {{ held_out }} as held_out
        where held_out.order_id = candidates.{{ order_column }}
    )
{%- endmacro %}

{#- Post-hook of the scored facts: in an incremental run, the rows whose order is held
    out now leave `this` (they may have earned credit in the last build). -#}
{% macro scored_facts_drop_held_out(order_column='order_id') -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {{ order_column }} in (select order_id from {{ ref('int_integrity_held_out_orders') }})
    {%- endif -%}
{%- endmacro %}
