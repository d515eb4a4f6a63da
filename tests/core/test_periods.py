from datetime import date

import pytest

from cpqa.core.periods import (
    Period,
    add_months,
    add_years,
    financial_year_start,
    periods_between,
    quarter_start,
)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year: clamped to the 29th
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2025, 8, 31), 3, date(2025, 11, 30)),
        (date(2025, 11, 15), 3, date(2026, 2, 15)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 1, 15), 0, date(2025, 1, 15)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


def test_add_years_from_a_leap_day():
    assert add_years(date(2024, 2, 29), 2) == date(2026, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert add_years(date(2023, 3, 1), 1) == date(2024, 3, 1)


@pytest.mark.parametrize(
    ("day", "quarter", "year"),
    [
        (date(2025, 4, 1), date(2025, 4, 1), date(2025, 4, 1)),
        (date(2025, 6, 30), date(2025, 4, 1), date(2025, 4, 1)),
        (date(2025, 7, 1), date(2025, 7, 1), date(2025, 4, 1)),
        (date(2025, 12, 31), date(2025, 10, 1), date(2025, 4, 1)),
        (date(2026, 2, 10), date(2026, 1, 1), date(2025, 4, 1)),
        (date(2026, 3, 31), date(2026, 1, 1), date(2025, 4, 1)),
    ],
)
def test_financial_quarters_and_years(day, quarter, year):
    assert quarter_start(day) == quarter
    assert financial_year_start(day) == year


def test_months_between_are_clipped_to_the_range():
    periods = periods_between(date(2025, 4, 15), date(2025, 7, 10), "month")
    assert periods == [
        Period(date(2025, 4, 15), date(2025, 4, 30)),
        Period(date(2025, 5, 1), date(2025, 5, 31)),
        Period(date(2025, 6, 1), date(2025, 6, 30)),
        Period(date(2025, 7, 1), date(2025, 7, 10)),
    ]
    assert periods[1].label == "May 2025"


def test_quarters_and_years_between():
    quarters = periods_between(date(2025, 4, 1), date(2026, 3, 31), "quarter")
    assert [p.label for p in quarters] == ["Q1 2025-26", "Q2 2025-26", "Q3 2025-26", "Q4 2025-26"]
    years = periods_between(date(2024, 4, 1), date(2026, 3, 31), "year")
    assert [p.label for p in years] == ["2024-25", "2025-26"]
    assert periods_between(date(2025, 1, 1), date(2025, 1, 9), "none") == [
        Period(date(2025, 1, 1), date(2025, 1, 9))
    ]


def test_periods_between_refuses_bad_input():
    with pytest.raises(ValueError, match="cannot be before"):
        periods_between(date(2025, 2, 1), date(2025, 1, 1), "month")
    with pytest.raises(ValueError, match="by must be one of"):
        periods_between(date(2025, 1, 1), date(2025, 2, 1), "week")
