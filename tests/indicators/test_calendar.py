"""The date arithmetic the indicators rely on agrees with cpqa.core."""

from datetime import date, timedelta

import polars as pl
import pytest

from cpqa.core.periods import Period, add_months, add_years, periods_between
from cpqa.core.workdays import working_days_between
from cpqa.indicators.common import first_end_on_or_after, first_start_after, period_of, working_days
from cpqa.indicators.context import PERIODS_OVERLAP, Context


def every_day(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


@pytest.mark.parametrize("months", [1, 3, 6, 12, 24, -1, -12])
def test_polars_offset_by_months_agrees_with_add_months(months):
    days = every_day(date(2019, 1, 1), date(2029, 12, 31))
    shifted = pl.Series(days).dt.offset_by(f"{months}mo").to_list()
    assert shifted == [add_months(day, months) for day in days]


def test_offset_clamps_to_the_end_of_the_month():
    days = pl.Series([date(2024, 2, 29), date(2025, 8, 31), date(2024, 8, 31), date(2025, 1, 31)])
    assert days.dt.offset_by("24mo").to_list()[0] == date(2026, 2, 28) == add_years(days[0], 2)
    assert days.dt.offset_by("6mo").to_list()[1:3] == [date(2026, 2, 28), date(2025, 2, 28)]
    assert days.dt.offset_by("1mo").to_list()[3] == date(2025, 2, 28)


def test_working_days_agree_with_core_for_every_pair_around_christmas():
    # Pairs with a <= b: the indicators never count backwards (they exclude such records).
    days = every_day(date(2025, 12, 10), date(2026, 1, 20))
    pairs = [(a, b) for a in days for b in days if a <= b]
    frame = pl.DataFrame({"a": [a for a, _ in pairs], "b": [b for _, b in pairs]})
    ctx = Context(periods=[Period(date(2025, 1, 1), date(2025, 12, 31))])
    ours = frame.select(working_days(pl.col("a"), pl.col("b"), ctx)).to_series().to_list()
    assert ours == [working_days_between(a, b, region="england") for a, b in pairs]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2025, 3, 1), date(2025, 3, 21), 15),  # a Saturday start: Monday is day 1
        (date(2025, 3, 1), date(2025, 3, 24), 16),
        # 15-17 Apr (3), Good Friday 18 and Easter Monday 21 Apr out, 22-25 Apr (4),
        # 28 Apr-2 May (5), 5 May a bank holiday, 6 May (1): 13.
        (date(2025, 4, 14), date(2025, 5, 6), 13),
        (date(2025, 3, 3), date(2025, 3, 3), 0),
        # Backwards: minus the working days d with b < d <= a.
        (date(2025, 3, 10), date(2025, 3, 3), -5),
        (date(2025, 12, 12), date(2025, 12, 10), -2),
    ],
)
def test_working_days_examples(start, end, expected):
    ctx = Context(periods=[Period(date(2025, 1, 1), date(2025, 12, 31))])
    frame = pl.DataFrame({"a": [start], "b": [end]})
    assert frame.select(working_days(pl.col("a"), pl.col("b"), ctx)).item() == expected


def test_wales_has_its_own_bank_holidays():
    # 2 January is not a bank holiday in Wales or England; Easter Monday is in both.
    ctx = Context(periods=[Period(date(2025, 1, 1), date(2025, 1, 31))], region="wales")
    frame = pl.DataFrame({"a": [date(2025, 4, 17)], "b": [date(2025, 4, 22)]})
    assert frame.select(working_days(pl.col("a"), pl.col("b"), ctx)).item() == 1


def test_period_lookups():
    ctx = Context(periods=periods_between(date(2025, 1, 1), date(2025, 3, 31), "month"))
    days = pl.Series(
        "d",
        [
            date(2024, 12, 31),
            date(2025, 1, 1),
            date(2025, 1, 31),
            date(2025, 2, 1),
            date(2025, 3, 31),
            date(2025, 4, 1),
            None,
        ],
    )
    frame = pl.DataFrame(days)
    result = frame.select(
        period=period_of(pl.col("d"), ctx),
        end=first_end_on_or_after(pl.col("d"), ctx),
        start=first_start_after(pl.col("d"), ctx),
    )
    assert result["period"].to_list() == [None, 0, 0, 1, 2, None, None]
    assert result["end"].to_list() == [0, 0, 0, 1, 2, 3, 3]
    assert result["start"].to_list() == [0, 1, 1, 2, 3, 3, 3]


def test_periods_with_a_gap():
    ctx = Context(
        periods=[
            Period(date(2025, 1, 1), date(2025, 1, 31)),
            Period(date(2025, 3, 1), date(2025, 3, 31)),
        ]
    )
    frame = pl.DataFrame({"d": [date(2025, 1, 15), date(2025, 2, 15), date(2025, 3, 15)]})
    assert frame.select(period_of(pl.col("d"), ctx)).to_series().to_list() == [0, None, 1]


def test_overlapping_periods_are_refused():
    with pytest.raises(ValueError, match=PERIODS_OVERLAP):
        Context(
            periods=[
                Period(date(2025, 1, 1), date(2025, 1, 31)),
                Period(date(2025, 1, 31), date(2025, 2, 28)),
            ]
        )


def test_window_start_is_ten_working_days_before_the_end():
    # 31 January 2025 is a Friday: ten working days before it is Friday 17 January, and
    # the working days d with 17 Jan < d <= 31 Jan are 10.
    ctx = Context(periods=[Period(date(2025, 1, 1), date(2025, 1, 31))])
    start = ctx.window_starts(pl.Series([10])).item()
    assert start == date(2025, 1, 17)
    assert working_days_between(start, date(2025, 1, 31), region="england") == 10
    assert (
        working_days_between(start - timedelta(days=1), date(2025, 1, 31), region="england") == 11
    )
