{#- Generic test: effective-dated definition rows of the same key never overlap.
    Ranges are [effective_from, effective_to) with an empty effective_to meaning
    "still in force". Fails with every pair of overlapping versions. -#}
{% test effective_ranges_do_not_overlap(model, key_columns, from_column='effective_from', to_column='effective_to') %}

with

versions as (

    select
        {{ key_columns | join(', ') }},
        {{ from_column }} as range_from,
        coalesce({{ to_column }}, cast('9999-12-31' as date)) as range_to
    from {{ model }}

),

overlapping_versions as (

    select
        {% for key in key_columns %}earlier.{{ key }},
        {% endfor %}earlier.range_from as earlier_from,
        earlier.range_to as earlier_to,
        later.range_from as later_from
    from versions as earlier
    inner join versions as later
        on {% for key in key_columns %}earlier.{{ key }} = later.{{ key }} and {% endfor %}
        earlier.range_from < later.range_from
    where later.range_from < earlier.range_to

),

inverted_ranges as (

    select
        {% for key in key_columns %}{{ key }},
        {% endfor %}range_from as earlier_from,
        range_to as earlier_to,
        range_from as later_from
    from versions
    where range_to <= range_from

)

select * from overlapping_versions
union all
select * from inverted_ranges

{% endtest %}
