"""Reporting periods and calendar arithmetic.

"d + n months" is the same day n months later, clamped to the last day of that
month (31 January + 1 month = 28 or 29 February); "d + n years" likewise
(29 February + 2 years = 28 February). Quarters are financial: April to June
is Q1. A reporting year runs from 1 April to 31 March.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Grouping = Literal["month", "quarter", "year", "none"]
GROUPINGS: tuple[str, ...] = ("month", "quarter", "year", "none")


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def financial_year_start(day: date) -> date:
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def quarter_start(day: date) -> date:
    """First day of the financial quarter holding day (Q1 is April to June)."""
    return add_months(financial_year_start(day), (day.month - 4) % 12 // 3 * 3)


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date

    @property
    def label(self) -> str:
        if self.start.day == 1 and self.end == month_end(self.start):
            return self.start.strftime("%b %Y")
        quarter_end = add_months(self.start, 3) - timedelta(days=1)
        if quarter_start(self.start) == self.start and self.end == quarter_end:
            fy = financial_year_start(self.start).year
            quarter = (self.start.month - 4) % 12 // 3 + 1
            return f"Q{quarter} {fy}-{str(fy + 1)[-2:]}"
        if self.start == financial_year_start(self.start) and self.end == date(
            self.start.year + 1, 3, 31
        ):
            return f"{self.start.year}-{str(self.start.year + 1)[-2:]}"
        return f"{self.start:%d %b %Y} to {self.end:%d %b %Y}"


def periods_between(start: date, end: date, by: Grouping) -> list[Period]:
    """The periods of the grouping that cover [start, end], clipped to it."""
    if end < start:
        raise ValueError("the end of a period cannot be before its start")
    if by == "none":
        return [Period(start, end)]
    if by == "month":
        step, first = 1, date(start.year, start.month, 1)
    elif by == "quarter":
        step, first = 3, quarter_start(start)
    elif by == "year":
        step, first = 12, financial_year_start(start)
    else:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}, not {by!r}")
    periods = []
    current = first
    while current <= end:
        following = add_months(current, step)
        periods.append(Period(max(current, start), min(following - timedelta(days=1), end)))
        current = following
    return periods
