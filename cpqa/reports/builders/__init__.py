"""The report builders: from a reader's access and a period to a Report (document.py).

`report_for_user` is what the pages and downloads call, `report_for_operator`
what the command line calls. Both check the period against the report and the
reader; the builders read through selectors.py, which scope every read and log
every child-level one.
"""

from collections.abc import Callable
from datetime import date

from cpqa.accounts.models import AccessKind
from cpqa.core.models import Authority
from cpqa.indicators.selectors import facts_shared

from ..collector import collector_paused
from ..document import Report
from ..periods import ReportPeriod, period_default, period_parse
from ..selectors import ReportAccess, report_access, report_access_operator
from .health_check import health_check_build
from .members import members_build
from .monthly import monthly_build
from .quarterly import quarterly_build

Builder = Callable[..., Report]

BUILDERS: dict[str, Builder] = {
    "monthly": monthly_build,
    "quarterly": quarterly_build,
    "members": members_build,
    "health-check": health_check_build,
}


def report_build(*, access: ReportAccess, period: ReportPeriod, today: date) -> Report:
    # A report reads several indicator tables (months, quarters, a year): on a cold
    # cache they share one read of the facts (and the collector does not walk them).
    with collector_paused, facts_shared():
        return BUILDERS[access.spec.name](access=access, period=period, today=today)


def _period(text: str | None, access: ReportAccess, today: date) -> ReportPeriod:
    if text and text.strip():
        return period_parse(text, today=today)
    return period_default(kind=access.spec.default_period, today=today)


def report_for_user(
    *,
    user,
    name: str,
    period: str | None,
    via: str,
    kind: str = AccessKind.PAGE,
    today: date,
) -> Report:
    """The report as this user may have it, for a period as written (none: the default).

    PermissionDenied if the user may not have it (checked before the period is
    read); PeriodError, with a message to show, if the period cannot be used.
    """
    access = report_access(user=user, name=name, via=via, kind=kind)
    return report_build(access=access, period=_period(period, access, today), today=today)


def report_for_operator(
    *, name: str, period: str | None, authority: Authority, operator: str, today: date
) -> Report:
    """The report as produced at the command line, by the operator of the server."""
    access = report_access_operator(name=name, authority=authority, operator=operator)
    return report_build(access=access, period=_period(period, access, today), today=today)
