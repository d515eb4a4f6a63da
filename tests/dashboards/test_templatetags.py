"""How figures, statuses, days and links are written."""

from datetime import date

import pytest

from cpqa.dashboards.homes import FigureRow
from cpqa.dashboards.measures import SeriesPoint
from cpqa.dashboards.selectors import Series
from cpqa.dashboards.templatetags.dashboard_tags import (
    days_text,
    figure_text,
    indicator_url,
    rag_tag,
    records_url,
)
from cpqa.indicators.registry import indicator_get
from cpqa.reports.spc import Reading, SpcReading


def row(indicator_id: str, *, numerator=None, denominator=None, value=None, team=None, **flags):
    point = SeriesPoint(date(2026, 1, 1), date(2026, 1, 31), numerator, denominator, value, **flags)
    series = Series(indicator_get(indicator_id), team, "North" if team else "", [point])
    reading = SpcReading(Reading.NO_SIGNIFICANT_CHANGE, "")
    return FigureRow(series, point, None, None, None, reading)


@pytest.mark.parametrize(
    ("indicator", "kwargs", "text"),
    [
        ("cpp_seen_within_standard", {"numerator": 2, "denominator": 3, "value": 200 / 3}, "66.7%"),
        ("s47_started", {"numerator": 1234, "value": 1234.0}, "1,234"),
        ("unallocated_days", {"numerator": 45, "denominator": 2, "value": 22.5}, "22.5 days"),
        ("cpp_seen_within_standard", {"value": None}, "no value"),
        ("s47_started", {"suppressed": True, "small": True}, "fewer than 5"),
        ("s47_started", {"suppressed": True, "small": False}, "withheld"),
    ],
)
def test_figure_text(indicator, kwargs, text):
    assert figure_text(row(indicator, **kwargs)) == text


@pytest.mark.parametrize(
    ("days", "text"),
    [(None, "No date"), (0, "Due today"), (1, "1 day left"), (5, "5 days left"),
     (-1, "1 day overdue"), (-14, "14 days overdue")],
)  # fmt: skip
def test_days_text(days, text):
    assert days_text(days) == text


def test_rag_tags_name_their_colour():
    assert rag_tag("red") == '<strong class="govuk-tag govuk-tag--red">Red</strong>'
    assert rag_tag("amber") == '<strong class="govuk-tag govuk-tag--yellow">Amber</strong>'
    assert "No standard" in rag_tag(None)


def test_links():
    assert (
        indicator_url(indicator_get("s47_started"), date(2026, 1, 1), "T1", "NEG", "")
        == "/indicator/s47_started/?to=2026-01&team=T1&category=NEG"
    )
    figure = row("cpp_open_at_end", numerator=3, value=3.0, team="T1")
    assert records_url(figure, "numerator") == (
        "/indicators/cpp_open_at_end/records?period_start=2026-01-01&period_end=2026-01-31"
        "&part=numerator&team=T1"
    )
    assert records_url(figure, "numerator", "", "under_1").startswith(
        "/indicator/cpp_open_at_end/records/?period_start=2026-01-01"
    )
    assert records_url(figure, "numerator", "", "under_1").endswith("&category=&age=under_1")
