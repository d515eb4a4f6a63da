"""Which way is better, the RAG status and the chart chosen for each indicator."""

from datetime import date

from cpqa.dashboards.measures import (
    COUNCILLOR_INDICATORS,
    SENIOR_INDICATORS,
    TEAM_INDICATORS,
    polarity_of,
    rag_status,
    series_reading,
    series_result,
)
from cpqa.indicators.registry import indicator_get, indicators
from cpqa.indicators.standards import default_standards
from cpqa.reports.spc import ChartKind, Polarity, Reading

ON = date(2026, 1, 31)


def test_every_indicator_shown_is_registered():
    registered = {indicator.id for indicator in indicators()}
    assert set(TEAM_INDICATORS) | set(SENIOR_INDICATORS) | set(COUNCILLOR_INDICATORS) <= registered


def test_polarity():
    assert polarity_of("cpp_seen_within_standard") == Polarity.HIGHER_IS_BETTER
    assert polarity_of("cpp_repeat") == Polarity.LOWER_IS_BETTER
    assert polarity_of("s47_started") == Polarity.NEITHER


def test_rag_against_the_first_standard_in_force():
    standards = default_standards()
    icpc = indicator_get("icpc_within_15_working_days")  # green from 85, amber from 75
    assert rag_status(icpc, 85.0, standards, ON) == "green"
    assert rag_status(icpc, 84.9, standards, ON) == "amber"
    assert rag_status(icpc, 74.9, standards, ON) == "red"
    assert rag_status(icpc, None, standards, ON) is None
    assert rag_status(indicator_get("s47_started"), 12.0, standards, ON) is None


def test_a_percentage_is_read_with_a_p_chart_and_a_count_with_xmr():
    months = list(range(1, 13))
    percentage = series_result(
        indicator_get("cpp_seen_within_standard"),
        numerators=[9] * 12,
        denominators=[10] * 12,
        values=[90.0] * 12,
        periods=months,
    )
    assert percentage.kind == ChartKind.P and percentage.mean == 0.9
    count = series_result(
        indicator_get("s47_started"),
        numerators=[10, 12] * 6,
        denominators=[None] * 12,
        values=[10.0, 12.0] * 6,
        periods=months,
    )
    assert count.kind == ChartKind.XMR and count.mean == 11.0


def test_a_fall_in_visits_in_time_is_a_concern():
    indicator = indicator_get("cpp_seen_within_standard")
    # Eleven months at 90 of 100, then 50 of 100: far below the lower limit.
    result = series_result(
        indicator,
        numerators=[90] * 11 + [50],
        denominators=[100] * 12,
        values=[90.0] * 11 + [50.0],
        periods=list(range(1, 13)),
    )
    reading = series_reading(indicator, result)
    assert reading.reading == Reading.CONCERN
    assert reading.sentence.startswith(
        "Children on a plan seen within the visiting standard: a concern."
    )
