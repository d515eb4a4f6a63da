"""Hand-worked working-day counts (England and Wales bank holidays)."""

from datetime import date

import polars as pl
import pytest

from cpqa.core.workdays import (
    add_working_days,
    add_working_days_expr,
    bank_holidays,
    is_working_day,
    working_days_between,
    working_days_expr,
)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Christmas 2025: 25 and 26 Dec and 1 Jan are bank holidays.
        # 22,23,24 Dec + 29,30,31 Dec + 2 Jan + 5..9 Jan = 12.
        (date(2025, 12, 19), date(2026, 1, 9), 12),
        # The start day is day 0: Monday to the next Monday is 5.
        (date(2025, 3, 3), date(2025, 3, 10), 5),
        # Same day: 0.
        (date(2025, 3, 3), date(2025, 3, 3), 0),
        # Saturday start: Monday is day 1, the Friday two weeks on is day 15.
        (date(2025, 3, 1), date(2025, 3, 21), 15),
        (date(2025, 3, 1), date(2025, 3, 24), 16),
        # Ending on a Saturday counts the same as ending on the Friday before.
        (date(2025, 3, 3), date(2025, 3, 8), 4),
        # The Queen's funeral, 19 September 2022, was a bank holiday.
        (date(2022, 9, 16), date(2022, 9, 20), 1),
        # VE Day 2020: the May bank holiday moved to Friday 8 May.
        (date(2020, 5, 7), date(2020, 5, 11), 1),
        # Boxing Day 2026 is a Saturday: the substitute day is Monday 28 December.
        (date(2026, 12, 24), date(2026, 12, 29), 1),
        # Backwards gives a negative count.
        (date(2025, 3, 10), date(2025, 3, 3), -5),
        # Backwards is the forward count negated, weekends included.
        (date(2025, 12, 12), date(2025, 12, 10), -2),
        (date(2025, 12, 15), date(2025, 12, 12), -1),
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end, region="england") == expected


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2025, 3, 1), 15, date(2025, 3, 21)),  # from a Saturday
        (date(2025, 3, 3), 15, date(2025, 3, 24)),  # from a Monday
        # Easter 2025 (18 and 21 April) and the early May bank holiday (5 May).
        (date(2025, 4, 10), 15, date(2025, 5, 6)),
        (date(2025, 12, 19), 12, date(2026, 1, 9)),
        (date(2025, 3, 3), 0, date(2025, 3, 3)),
        (date(2025, 12, 24), 1, date(2025, 12, 29)),
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days, region="england") == expected
    assert working_days_between(start, expected, region="england") == days


def test_add_working_days_refuses_negative():
    with pytest.raises(ValueError, match="0 or more"):
        add_working_days(date(2025, 3, 3), -1, region="england")


def test_wales_has_its_own_calendar_and_unknown_regions_are_refused():
    assert date(2025, 12, 25) in bank_holidays("wales")
    assert date(2025, 8, 25) in bank_holidays("wales")
    with pytest.raises(ValueError, match="region must be one of"):
        bank_holidays("scotland")


def test_is_working_day():
    assert is_working_day(date(2025, 3, 3), region="england")
    assert not is_working_day(date(2025, 3, 1), region="england")  # Saturday
    assert not is_working_day(date(2025, 12, 25), region="england")


def test_polars_expressions_match_the_scalar_functions():
    pairs = [
        (date(2025, 12, 19), date(2026, 1, 9)),
        (date(2025, 3, 1), date(2025, 3, 21)),
        (date(2025, 4, 10), date(2025, 5, 6)),
        (date(2024, 2, 28), date(2024, 3, 1)),
        (date(2025, 3, 10), date(2025, 3, 3)),
        (date(2025, 12, 12), date(2025, 12, 10)),
        (date(2025, 12, 15), date(2025, 12, 12)),
    ]
    frame = pl.DataFrame(pairs, schema={"a": pl.Date, "b": pl.Date}, orient="row")
    counted = frame.select(
        working_days_expr(pl.col("a"), pl.col("b"), region="england").alias("n"),
        add_working_days_expr(pl.col("a"), 15, region="england").alias("plus15"),
    )
    assert counted["n"].to_list() == [
        working_days_between(a, b, region="england") for a, b in pairs
    ]
    assert counted["plus15"].to_list() == [
        add_working_days(a, 15, region="england") for a, _ in pairs
    ]
