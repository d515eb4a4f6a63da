"""Reading a report's period: each documented form, and clear refusals of the rest."""

from datetime import date

import pytest

from cpqa.reports.periods import (
    BAD_YEAR,
    END_BEFORE_START,
    NOT_A_PERIOD,
    NOT_STARTED,
    PERIOD_FORMS,
    TOO_EARLY,
    TOO_LONG,
    PeriodError,
    ReportPeriod,
    period_default,
    period_parse,
    series_months,
)

TODAY = date(2026, 11, 26)


def parse(text: str) -> ReportPeriod:
    return period_parse(text, today=TODAY)


@pytest.mark.parametrize(
    ("text", "start", "end", "kind", "label"),
    [
        ("2026-10", date(2026, 10, 1), date(2026, 10, 31), "month", "October 2026"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "month", "February 2024"),
        (
            "2026-27Q2",
            date(2026, 7, 1),
            date(2026, 9, 30),
            "quarter",
            "Q2 2026-27 (July to September 2026)",
        ),
        (
            "2026-Q2",
            date(2026, 7, 1),
            date(2026, 9, 30),
            "quarter",
            "Q2 2026-27 (July to September 2026)",
        ),
        (
            "2025-26q4",
            date(2026, 1, 1),
            date(2026, 3, 31),
            "quarter",
            "Q4 2025-26 (January to March 2026)",
        ),
        (
            "2025-26",
            date(2025, 4, 1),
            date(2026, 3, 31),
            "year",
            "2025-26 (April 2025 to March 2026)",
        ),
    ],
)
def test_the_forms(text, start, end, kind, label):
    period = parse(text)
    assert (period.start, period.end, period.kind, period.label) == (start, end, kind, label)


def test_dates_and_their_kind():
    period = parse("2026-01-05:2026-02-03")
    assert (period.start, period.end, period.kind) == (date(2026, 1, 5), date(2026, 2, 3), "range")
    assert period.label == "5 January 2026 to 3 February 2026"
    assert period.text == "2026-01-05:2026-02-03"
    assert period.grouping == "none"
    # Dates making up exactly a month, a quarter or a year are that month, quarter or year.
    assert parse("2026-10-01:2026-10-31").kind == "month"
    assert parse("2026-07-01 : 2026-09-30").text == "2026-27Q2"
    assert parse("2025-04-01:2026-03-31").text == "2025-26"
    # Three whole months that are not a financial quarter are a range.
    assert parse("2026-05-01:2026-07-31").kind == "range"


def test_the_text_of_each_kind_reads_back_the_same():
    for text in ("2026-10", "2026-27Q1", "2024-25", "2026-01-05:2026-02-03"):
        assert parse(parse(text).text) == parse(text)


def test_a_two_digit_suffix_is_a_year_only_when_it_follows_the_first():
    assert parse("2011-12").kind == "year"  # the financial year 2011-12, not December 2011
    assert parse("2011-11").kind == "month"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("October", NOT_A_PERIOD.format(text="October")),
        ("2026-13", NOT_A_PERIOD.format(text="2026-13")),
        ("2026/10", NOT_A_PERIOD.format(text="2026/10")),
        ("2026-10-01", NOT_A_PERIOD.format(text="2026-10-01")),
        ("2026-10-01:2026-10-32", NOT_A_PERIOD.format(text="2026-10-01:2026-10-32")),
        ("", NOT_A_PERIOD.format(text="")),
        ("2026-28Q2", BAD_YEAR.format(text="2026-28Q2")),
        ("2026-Q5", NOT_A_PERIOD.format(text="2026-Q5")),
        (
            "2026-03-01:2026-01-01",
            END_BEFORE_START.format(start=date(2026, 3, 1), end=date(2026, 1, 1)),
        ),
        ("1999-12", TOO_EARLY),
        ("2015-01-01:2021-01-01", TOO_LONG.format(years=5)),
        ("2026-12", NOT_STARTED.format(start=date(2026, 12, 1))),
        # Found by tests/fuzz/test_forms.py: these raised instead of being refused.
        ("9999-12", NOT_STARTED.format(start=date(9999, 12, 1))),
        ("9999-00", NOT_A_PERIOD.format(text="9999-00")),
    ],
)
def test_refusals_say_what_is_wrong(text, message):
    with pytest.raises(PeriodError) as error:
        parse(text)
    assert str(error.value) == message


def test_a_refusal_lists_the_forms():
    with pytest.raises(PeriodError, match="a month \\(2026-10\\)"):
        parse("last month")
    assert "2026-27Q2 or 2026-Q2" in PERIOD_FORMS
    assert "2025-26" in PERIOD_FORMS and "2026-01-05:2026-02-03" in PERIOD_FORMS


def test_periods_before_and_a_year_earlier():
    month = parse("2026-03")
    assert month.before() == parse("2026-02")
    assert month.before(4) == parse("2025-11")
    assert month.year_earlier() == parse("2025-03")
    quarter = parse("2026-27Q1")
    assert quarter.before() == parse("2025-26Q4")
    assert quarter.before(4) == quarter.year_earlier() == parse("2025-26Q1")
    assert parse("2025-26").before() == parse("2024-25")
    dates = parse("2026-01-05:2026-01-14")  # 10 days
    assert dates.before() == ReportPeriod(date(2025, 12, 26), date(2026, 1, 4), "range")
    assert dates.year_earlier() == ReportPeriod(date(2025, 1, 5), date(2025, 1, 14), "range")


def test_the_default_is_the_last_whole_month_or_quarter():
    assert period_default(kind="month", today=TODAY) == parse("2026-10")
    assert period_default(kind="month", today=date(2026, 1, 1)) == parse("2025-12")
    assert period_default(kind="quarter", today=TODAY) == parse("2026-27Q2")
    assert period_default(kind="quarter", today=date(2026, 4, 1)) == parse("2025-26Q4")
    assert period_default(kind="year", today=TODAY) == parse("2025-26")


def test_the_months_of_a_trend_end_with_the_last_whole_month():
    assert series_months(parse("2026-27Q2"), count=24) == (date(2024, 10, 1), date(2026, 9, 30))
    assert series_months(parse("2026-01-05:2026-02-10"), count=3) == (
        date(2025, 11, 1),
        date(2026, 1, 31),
    )
    assert parse("2026-27Q2").months() == [date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)]
    assert parse("2026-01-05:2026-02-10").months() == []
