"""Working days: Monday to Friday, less the bank holidays of England or Wales.

The bank holidays come from the maintained `holidays` package (which has the
special and substitute days, e.g. 8 May 2020, 19 September 2022).

cpqa's definition: the number of working days from date a to date b is the
count of working days d with a < d <= b. The start day is day 0, so an enquiry
started on a Friday has its first working day on the Monday after.
"""

from datetime import date, timedelta
from functools import cache

import holidays
import numpy as np
import polars as pl

SUBDIVISIONS = {"england": "ENG", "wales": "WLS"}
# Cover every date the service is likely to hold, with room either side.
FIRST_YEAR, LAST_YEAR = 1990, 2040


@cache
def bank_holidays(region: str) -> tuple[date, ...]:
    """Bank holidays of the region ('england' or 'wales'), sorted."""
    try:
        subdiv = SUBDIVISIONS[region]
    except KeyError:
        raise ValueError(f"region must be one of {sorted(SUBDIVISIONS)}, not {region!r}") from None
    calendar = holidays.country_holidays(
        "GB", subdiv=subdiv, years=range(FIRST_YEAR, LAST_YEAR + 1)
    )
    return tuple(sorted(calendar.keys()))


@cache
def _holiday_array(region: str) -> np.ndarray:
    return np.array(bank_holidays(region), dtype="datetime64[D]")


def is_working_day(day: date, *, region: str) -> bool:
    return bool(np.is_busday(np.datetime64(day, "D"), holidays=_holiday_array(region)))


def working_days_between(start: date, end: date, *, region: str) -> int:
    """Working days d with start < d <= end; when end is before start, minus the
    working days d with end < d <= start."""
    if end < start:
        return -working_days_between(end, start, region=region)
    one = timedelta(days=1)
    return int(
        np.busday_count(
            np.datetime64(start + one, "D"),
            np.datetime64(end + one, "D"),
            holidays=_holiday_array(region),
        )
    )


def add_working_days(start: date, days: int, *, region: str) -> date:
    """The date that is `days` working days after `start` (day 0).

    Rolling a non-working start back to the working day before it leaves the
    count unchanged, since no working day lies between them.
    """
    if days < 0:
        raise ValueError("days must be 0 or more")
    if days == 0:
        return start
    result = np.busday_offset(
        np.datetime64(start, "D"), days, roll="backward", holidays=_holiday_array(region)
    )
    return result.astype(date)


def working_days_expr(start: pl.Expr, end: pl.Expr, *, region: str) -> pl.Expr:
    """Polars expression: working days d with start < d <= end, per row (negated
    count of end < d <= start when end is before start, as `working_days_between`)."""
    holidays = list(bank_holidays(region))
    forward = pl.business_day_count(
        start.dt.offset_by("1d"), end.dt.offset_by("1d"), holidays=holidays
    )
    backward = -pl.business_day_count(
        end.dt.offset_by("1d"), start.dt.offset_by("1d"), holidays=holidays
    )
    return pl.when(end < start).then(backward).otherwise(forward)


def add_working_days_expr(start: pl.Expr, days: int, *, region: str) -> pl.Expr:
    """Polars expression: the date `days` working days after start (day 0)."""
    return start.dt.add_business_days(days, holidays=list(bank_holidays(region)), roll="backward")
