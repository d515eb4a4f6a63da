"""The period a report covers, written as people write it: pure functions, no database.

The forms (docs/reports.md):

    2026-10                 a month (October 2026)
    2026-27Q2 or 2026-Q2    a financial quarter: Q1 is April to June, so both mean
                            July to September 2026 (2026-Q2 is Q2 of the financial
                            year that starts in April 2026)
    2025-26                 a financial year (1 April 2025 to 31 March 2026)
    2026-01-05:2026-02-03   from one date to another, both included (ISO dates)

YYYY-NN is a financial year when NN is the last two digits of YYYY + 1 (2025-26),
and otherwise a month (2026-10); so "2011-12" is the year 2011-12, and December
2011 is written 2011-12-01:2011-12-31. Dates that make up exactly a month, a
quarter or a year are read as that month, quarter or year. Anything else is
refused with PERIOD_FORMS.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from cpqa.core.periods import (
    Grouping,
    add_months,
    add_years,
    financial_year_start,
    month_end,
    quarter_start,
)

PeriodKind = Literal["month", "quarter", "year", "range"]

PERIOD_FORMS = (
    "Write the period as a month (2026-10), a financial quarter (2026-27Q2 or 2026-Q2: "
    "Q1 is April to June), a financial year (2025-26) or two dates, first and last, "
    "joined by a colon (2026-01-05:2026-02-03)."
)
NOT_A_PERIOD = "{text!r} is not a period. " + PERIOD_FORMS
BAD_YEAR = "{text!r} is not a financial year: the second year must follow the first, as in 2025-26."
END_BEFORE_START = "The period cannot end ({end:%d %B %Y}) before it starts ({start:%d %B %Y})."
TOO_EARLY = "The period must start on or after 1 January 2000."
TOO_LONG = "A period can be at most {years} years long."
NOT_STARTED = "The period has not started yet: it starts on {start:%d %B %Y}."

EARLIEST = date(2000, 1, 1)
LONGEST_YEARS = 5

_MONTH_OR_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-(?:(\d{2}))?-?Q([1-4])$", re.IGNORECASE)
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*:\s*(\d{4}-\d{2}-\d{2})$")


class PeriodError(ValueError):
    """A period that cannot be read, with a message to show."""


def _fy(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


@dataclass(frozen=True)
class ReportPeriod:
    start: date
    end: date
    kind: PeriodKind

    @property
    def grouping(self) -> Grouping:
        """How the indicators group by this kind of period."""
        return "none" if self.kind == "range" else self.kind

    @property
    def text(self) -> str:
        """The period as written on the command line and in addresses."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            fy = financial_year_start(self.start).year
            return f"{_fy(fy)}Q{self.quarter}"
        if self.kind == "year":
            return _fy(self.start.year)
        return f"{self.start.isoformat()}:{self.end.isoformat()}"

    @property
    def quarter(self) -> int:
        return (self.start.month - 4) % 12 // 3 + 1

    @property
    def label(self) -> str:
        """The period in words: "October 2026", "Q2 2026-27 (July to September 2026)"."""
        if self.kind == "month":
            return f"{self.start:%B %Y}"
        if self.kind == "quarter":
            fy = financial_year_start(self.start).year
            return f"Q{self.quarter} {_fy(fy)} ({self.start:%B} to {self.end:%B %Y})"
        if self.kind == "year":
            return f"{_fy(self.start.year)} ({self.start:%B %Y} to {self.end:%B %Y})"
        return f"{_day(self.start)} to {_day(self.end)}"

    @property
    def short_label(self) -> str:
        """A column heading: "Oct 2026", "Q2 2026-27", "2025-26", "05/01/26 to 03/02/26"."""
        if self.kind == "month":
            return f"{self.start:%b %Y}"
        if self.kind == "quarter":
            return f"Q{self.quarter} {_fy(financial_year_start(self.start).year)}"
        if self.kind == "year":
            return _fy(self.start.year)
        return f"{self.start:%d/%m/%y} to {self.end:%d/%m/%y}"

    @property
    def whole_months(self) -> bool:
        return self.start.day == 1 and self.end == month_end(self.end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def before(self, count: int = 1) -> "ReportPeriod":
        """The period `count` periods earlier, of the same kind (and length, for a range)."""
        if self.kind == "range":
            shift = timedelta(days=self.days * count)
            return ReportPeriod(self.start - shift, self.end - shift, "range")
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind] * count
        start = add_months(self.start, -months)
        return ReportPeriod(start, month_end(add_months(self.end, -months)), self.kind)

    def year_earlier(self) -> "ReportPeriod":
        """The same period a year before."""
        if self.kind == "range":
            return ReportPeriod(add_years(self.start, -1), add_years(self.end, -1), "range")
        return ReportPeriod(
            add_years(self.start, -1), month_end(add_years(self.end, -1)), self.kind
        )

    def months(self) -> list[date]:
        """The first days of the whole months the period is made of (empty if it is not)."""
        if not self.whole_months:
            return []
        result = []
        current = self.start
        while current <= self.end:
            result.append(current)
            current = add_months(current, 1)
        return result


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def period_from_dates(start: date, end: date) -> ReportPeriod:
    """A period from its dates: a month, quarter or year when it is exactly one."""
    if end < start:
        raise PeriodError(END_BEFORE_START.format(start=start, end=end))
    if start.day == 1 and end == month_end(end):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if months == 1:
            return ReportPeriod(start, end, "month")
        if months == 3 and (start.month - 4) % 3 == 0:
            return ReportPeriod(start, end, "quarter")
        if months == 12 and start.month == 4:
            return ReportPeriod(start, end, "year")
    return ReportPeriod(start, end, "range")


def _month(year: int, month: int) -> ReportPeriod:
    start = date(year, month, 1)
    return ReportPeriod(start, date(year, month, calendar.monthrange(year, month)[1]), "month")


def _quarter(fy: int, quarter: int) -> ReportPeriod:
    start = add_months(date(fy, 4, 1), 3 * (quarter - 1))
    return ReportPeriod(start, month_end(add_months(start, 2)), "quarter")


def _read(text: str) -> ReportPeriod:
    match = _MONTH_OR_YEAR.match(text)
    if match:
        year, second = int(match.group(1)), int(match.group(2))
        if second == (year + 1) % 100:
            return ReportPeriod(date(year, 4, 1), date(year + 1, 3, 31), "year")
        if 1 <= second <= 12:
            return _month(year, second)
        raise PeriodError(NOT_A_PERIOD.format(text=text))
    match = _QUARTER.match(text)
    if match:
        year, second, quarter = int(match.group(1)), match.group(2), int(match.group(3))
        if second is not None and int(second) != (year + 1) % 100:
            raise PeriodError(BAD_YEAR.format(text=text))
        return _quarter(year, quarter)
    match = _RANGE.match(text)
    if match:
        try:
            start, end = (date.fromisoformat(part) for part in match.groups())
        except ValueError:
            raise PeriodError(NOT_A_PERIOD.format(text=text)) from None
        return period_from_dates(start, end)
    raise PeriodError(NOT_A_PERIOD.format(text=text))


def period_parse(text: str, *, today: date) -> ReportPeriod:
    """Read a period in one of the forms above; PeriodError with a message otherwise."""
    try:
        period = _read((text or "").strip())
    except (ValueError, OverflowError) as error:  # a year past 9999, say
        if isinstance(error, PeriodError):
            raise
        raise PeriodError(NOT_A_PERIOD.format(text=text)) from None
    if period.start < EARLIEST:
        raise PeriodError(TOO_EARLY)
    if period.start > today:
        raise PeriodError(NOT_STARTED.format(start=period.start))
    if period.end > add_years(period.start, LONGEST_YEARS):
        raise PeriodError(TOO_LONG.format(years=LONGEST_YEARS))
    return period


def period_default(*, kind: PeriodKind, today: date) -> ReportPeriod:
    """The latest whole month (or quarter, or year) that ended before today."""
    last_month = date(today.year, today.month, 1) - timedelta(days=1)
    if kind == "month":
        return _month(last_month.year, last_month.month)
    if kind == "quarter":
        start = quarter_start(today)
        return ReportPeriod(start, month_end(add_months(start, 2)), "quarter").before()
    if kind == "year":
        start = financial_year_start(today)
        return ReportPeriod(date(start.year - 1, 4, 1), date(start.year, 3, 31), "year")
    raise ValueError(f"no default for a period of kind {kind!r}")


def series_months(period: ReportPeriod, *, count: int) -> tuple[date, date]:
    """The first and last days of the `count` whole months ending with the period's last
    whole month (the month of its end, or the month before if the period ends mid-month)."""
    if period.end == month_end(period.end):
        last = period.end
    else:
        last = period.end.replace(day=1) - timedelta(days=1)
    first = add_months(date(last.year, last.month, 1), -(count - 1))
    return first, last
