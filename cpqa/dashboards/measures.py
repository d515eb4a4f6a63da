"""What the dashboards show of each indicator: which way is better, and which appear where.

Pure: no database. Which way is better is the dashboards' reading of the
framework (the indicators app says what is counted, not whether more is
better); an indicator not listed here is read as neither (a count of work
coming in, say, is not good or bad in itself).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from cpqa.indicators.registry import Indicator
from cpqa.indicators.standards import Standards, StandardTerms, rag
from cpqa.reports.spc import (
    Polarity,
    Reading,
    SpcReading,
    SpcResult,
    p_chart_calculate,
    reading_describe,
    xmr_calculate,
)

HIGHER_IS_BETTER = frozenset(
    {
        "icpc_within_15_working_days",
        "core_group_within_10_working_days",
        "cpp_reviewed_in_time",
        "cpp_seen_within_standard",
        "cpp_seen_alone_within_standard",
        "decision_published_in_time",
        "minutes_published_in_time",
        "conference_quorate",
        "conference_parents_attended",
        "conference_parents_participated",
        "agency_attendance",
        "agency_reports_on_time",
        "unallocated_others_involved",
        "supervision_within_standard",
        "data_completeness",
    }
)
LOWER_IS_BETTER = frozenset(
    {
        "cpp_repeat",
        "cpp_ended_2_years_or_more",
        "unallocated_at_end",
        "unallocated_days",
    }
)

# The indicators of each kind of home page, in the order shown.
STANDARD_INDICATORS = (
    "icpc_within_15_working_days",
    "core_group_within_10_working_days",
    "cpp_reviewed_in_time",
    "cpp_seen_within_standard",
    "cpp_seen_alone_within_standard",
    "decision_published_in_time",
    "minutes_published_in_time",
    "conference_quorate",
    "supervision_within_standard",
)
ACTIVITY_INDICATORS = (
    "s47_started",
    "icpc_held",
    "cpp_started",
    "cpp_open_at_end",
    "cpp_repeat",
    "unallocated_at_end",
)
TEAM_INDICATORS = (*STANDARD_INDICATORS, *ACTIVITY_INDICATORS)
SIDE_BY_SIDE_INDICATORS = (*STANDARD_INDICATORS[:8], "cpp_open_at_end", "unallocated_at_end")
CHAIR_INDICATORS = (
    "icpc_held",
    "icpc_within_15_working_days",
    "conference_quorate",
    "conference_parents_attended",
    "conference_parents_participated",
    "agency_attendance",
    "decision_published_in_time",
    "minutes_published_in_time",
)
SENIOR_INDICATORS = (
    *STANDARD_INDICATORS,
    "s47_started",
    "icpc_held",
    "cpp_started",
    "cpp_open_at_end",
    "cpp_rate_per_10000",
    "cpp_repeat",
    "cpp_ended_2_years_or_more",
    "unallocated_at_end",
    "cpp_and_looked_after",
)
COUNCILLOR_INDICATORS = (
    "s47_started",
    "icpc_held",
    "cpp_started",
    "cpp_open_at_end",
    "cpp_rate_per_10000",
    "cpp_repeat",
    "cpp_ended_2_years_or_more",
    "icpc_within_15_working_days",
    "cpp_reviewed_in_time",
    "cpp_seen_within_standard",
    "unallocated_at_end",
    "cpp_and_looked_after",
)

# Why a councillor might ask about each figure: the question, not the answer.
COUNCILLOR_QUESTIONS: dict[str, str] = {
    "s47_started": "Is the number of enquiries changing, and do we know why?",
    "icpc_held": "Are more or fewer enquiries leading to a conference?",
    "cpp_started": "Are more children becoming subject to a plan, and why?",
    "cpp_open_at_end": "Is the number of children on a plan rising or falling?",
    "cpp_rate_per_10000": "How does our rate compare with England and similar authorities?",
    "cpp_repeat": "Why are children coming back onto a plan?",
    "cpp_ended_2_years_or_more": "Why are some plans lasting two years or more?",
    "icpc_within_15_working_days": "Are initial conferences held quickly enough?",
    "cpp_reviewed_in_time": "Are plans reviewed on time?",
    "cpp_seen_within_standard": "Are children on a plan seen as often as they should be?",
    "unallocated_at_end": "Does every child on a plan have a social worker?",
    "cpp_and_looked_after": "How many children on a plan are also in care?",
}


def polarity_of(indicator_id: str) -> Polarity:
    if indicator_id in HIGHER_IS_BETTER:
        return Polarity.HIGHER_IS_BETTER
    if indicator_id in LOWER_IS_BETTER:
        return Polarity.LOWER_IS_BETTER
    return Polarity.NEITHER


def standard_terms(
    indicator: Indicator, standards: Standards, on: date
) -> list[tuple[str, StandardTerms | None]]:
    """(slug, terms in force on the day) of each standard the indicator is measured against."""
    return [(slug, standards.in_force(slug, on)) for slug in indicator.standards]


def rag_status(indicator: Indicator, value: float | None, standards: Standards, on: date):
    """Red, amber or green against the indicator's first standard in force (None: no standard)."""
    for _, terms in standard_terms(indicator, standards, on):
        if terms is not None:
            return rag(value, terms)
    return None


def series_result(
    indicator: Indicator,
    *,
    numerators: Sequence[float | None],
    denominators: Sequence[float | None],
    values: Sequence[float | None],
    periods: Sequence[object],
) -> SpcResult:
    """The SPC chart of a monthly series: a p-chart for a percentage, else XmR."""
    if indicator.kind == "percentage":
        return p_chart_calculate(numerators=numerators, denominators=denominators, periods=periods)
    return xmr_calculate(values=values, periods=periods)


def series_reading(indicator: Indicator, result: SpcResult) -> SpcReading:
    return reading_describe(
        result=result, polarity=polarity_of(indicator.id), measure=indicator.title
    )


READING_TAGS: dict[str, str] = {
    Reading.IMPROVING: "govuk-tag--blue",
    Reading.CONCERN: "govuk-tag--orange",
    Reading.NO_SIGNIFICANT_CHANGE: "govuk-tag--grey",
    Reading.HIGHER_THAN_USUAL: "govuk-tag--purple",
    Reading.LOWER_THAN_USUAL: "govuk-tag--purple",
    Reading.NOT_ENOUGH_DATA: "govuk-tag--grey",
}


@dataclass(frozen=True)
class SeriesPoint:
    """One month of one indicator for one team (or the authority)."""

    period_start: date
    period_end: date
    numerator: int | None
    denominator: int | None
    value: float | None
    suppressed: bool = False
    small: bool = False
