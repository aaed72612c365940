{#- planner_settings(): statements a model runs first, in its own transaction (pre-hook
    of every model, dbt_project.yml).

    - postgres: no nested-loop joins. The planner estimates a filtered CTE or a
      correlated filter (overlap_end_date = period_end_date) at a row or two where
      thousands come, then re-runs a window or an aggregate over a whole fact for each
      of them: at scale 1, int_survey_indicator_evidence ran for more than 8 minutes
      that way and takes 2.9 s with hash and merge joins (int_customer_indicators: more
      than 10 minutes, 16.7 s). These models join large sets with equality keys, where
      nested loops never win; `set local` ends with the model's transaction.
    - other engines: nothing.
-#}
{% macro planner_settings() -%}
    {{ return(adapter.dispatch('planner_settings', 'scorecard_warehouse')()) }}
{%- endmacro %}

{% macro default__planner_settings() -%}
{%- endmacro %}

{% macro postgres__planner_settings() -%}
    set local enable_nestloop = off
{%- endmacro %}
