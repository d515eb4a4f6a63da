"""The indicator definitions, one per file, registered in the order of the catalogue.

Each module sets DEFINITION (the text shown on the definitions page and in
docs/indicators.md), a pure `compute(frames, ctx)` and INDICATOR.
"""

from importlib import import_module

ORDER = (
    "s47_started",
    "icpc_held",
    "icpc_within_15_working_days",
    "core_group_within_10_working_days",
    "cpp_started",
    "cpp_started_by_category",
    "cpp_ended",
    "cpp_open_at_end",
    "cpp_rate_per_10000",
    "cpp_repeat",
    "cpp_ended_3_months_or_less",
    "cpp_ended_3_to_6_months",
    "cpp_ended_6_to_12_months",
    "cpp_ended_1_to_2_years",
    "cpp_ended_2_years_or_more",
    "cpp_reviewed_in_time",
    "cpp_seen_within_standard",
    "cpp_seen_alone_within_standard",
    "decision_published_in_time",
    "minutes_published_in_time",
    "conference_quorate",
    "conference_parents_attended",
    "conference_parents_participated",
    "conference_child_participation",
    "agency_attendance",
    "agency_reports_on_time",
    "unallocated_at_end",
    "unallocated_days",
    "unallocated_by_risk",
    "unallocated_others_involved",
    "cpp_and_looked_after",
    "supervision_within_standard",
    "data_completeness",
)

for _name in ORDER:
    import_module(f"{__name__}.{_name}")
