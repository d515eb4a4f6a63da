"""Writes of the reports: their caches, warmed after an import.

A report's first reader after an import used to pay for what every later reader
gets from the caches: the indicator tables (cpqa.indicators' cache, keyed by the
data version an import raises) and the charts (builders/common.chart_cached).
`reports_warm` computes them ahead of that reader, for each report's usual
period, exactly as the builders read them, so the first reader gets the report
as fast as any later one.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from datetime import date

from django.db import connections, transaction
from django.utils import timezone

from cpqa.core.models import Authority
from cpqa.indicators.selectors import facts_shared

from .builders import report_build
from .periods import period_default
from .registry import REPORTS
from .selectors import report_access_operator

logger = logging.getLogger(__name__)

WARM_OPERATOR = "reports_warm"
FAILED = "Warming the %s report for %s failed; its first reader will build it"


def reports_warm(*, authority: Authority, today: date | None = None) -> list[str]:
    """Compute and cache what each report reads for its usual period (the last whole
    month or quarter before today); return what was warmed, as "name period".

    Call it once an import has committed: it reads the committed data, and the
    caches it fills are keyed by the data version that import raised. It takes
    about as long as the reports' first builds together (seconds for a large
    authority: docs/performance.md), so run it after the response, not in it
    (`reports_warm_after_commit`).

    Only aggregates and charts are cached. The health check is warmed in its
    aggregate version (the figures councillors get, which are cached); its list
    of children is read afresh for each reader, so it is not read here. No report
    leaves the server, so nothing is written to the access log. A report that
    cannot be built is logged and skipped: warming only saves its reader time.
    """
    today = today or timezone.localdate()
    warmed = []
    with facts_shared():
        for name, spec in REPORTS.items():
            access = report_access_operator(name=name, authority=authority, operator=WARM_OPERATOR)
            if access.child_rows:
                access = dataclasses.replace(access, child_rows=False, suppress=True)
            period = period_default(kind=spec.default_period, today=today)
            try:
                report_build(access=access, period=period, today=today)
            except Exception:
                logger.exception(FAILED, name, period.text)
                continue
            warmed.append(f"{name} {period.text}")
    return warmed


def reports_warm_after_commit(*, authority: Authority, today: date | None = None) -> None:
    """Warm the reports' caches in a background thread once the current transaction
    commits (at once outside one); for the end of an import.

    The thread is not a daemon: a command that imports waits for it before it
    exits, and a server process finishes it after the response.
    """

    def warm() -> None:
        try:
            reports_warm(authority=authority, today=today)
        finally:
            connections.close_all()  # the thread's own connections

    def start() -> None:
        threading.Thread(target=warm, name="cpqa-reports-warm").start()

    transaction.on_commit(start)
