"""Warming the reports' caches after an import, and the facts shared by one build."""

import logging
from collections import Counter
from datetime import date

import pytest
from django.core.cache.backends.locmem import LocMemCache

from cpqa.accounts.models import AccessLogEntry
from cpqa.accounts.roles import Role
from cpqa.core.services import data_version_bump
from cpqa.indicators import selectors as indicator_selectors
from cpqa.indicators.selectors import facts_shared, indicator_table
from cpqa.reports import builders, charts, services
from cpqa.reports.builders import report_for_operator, report_for_user
from cpqa.reports.services import reports_warm, reports_warm_after_commit

from .conftest import QUARTER, TODAY

pytestmark = pytest.mark.django_db

WARMED = ["monthly 2025-10", "quarterly 2025-26Q2", "members 2025-26Q2", "health-check 2025-10"]


@pytest.fixture
def work(monkeypatch):
    """Counts of the costly work: indicator tables computed (unsuppressed and suppressed),
    reads of the facts from the database, and charts drawn (in a chart cache of this
    test's own, so that charts drawn by other tests do not count)."""
    done: Counter = Counter()
    own_charts = LocMemCache("cpqa-test-warm-charts", {"OPTIONS": {"MAX_ENTRIES": 1000}})
    monkeypatch.setattr("cpqa.reports.builders.common._cache", lambda: own_charts)

    def counted(name, function):
        def wrapper(*args, **kwargs):
            done[name] += 1
            return function(*args, **kwargs)

        return wrapper

    for module, name, label in (
        (indicator_selectors, "indicators_compute", "tables"),
        (indicator_selectors, "suppress_rows", "suppressed"),
        (indicator_selectors, "fact_frames", "facts"),
        (charts, "_render", "charts"),
    ):
        monkeypatch.setattr(module, name, counted(label, getattr(module, name)))
    return done


def every_report_read(authority, councillor) -> None:
    """Each report for its usual period, as a reader gets it (the health check as a
    councillor gets it: the version whose figures are cached)."""
    for name in ("monthly", "quarterly", "members"):
        report_for_operator(name=name, period=None, authority=authority, operator="t", today=TODAY)
    report_for_user(user=councillor, name="health-check", period=None, via="/", today=TODAY)


def test_after_the_warm_up_no_reader_computes_a_figure_or_draws_a_chart(loaded, make_user, work):
    councillor = make_user(Role.COUNCILLOR)
    every_report_read(loaded, councillor)
    # Without the warm-up the first readers compute the tables and draw the charts.
    assert work["tables"] > 0 and work["suppressed"] > 0 and work["charts"] > 0

    from django.core.cache import caches

    caches["indicators"].clear()
    indicator_selectors._cache().clear()
    builders.common._cache().clear()
    assert reports_warm(authority=loaded, today=TODAY) == WARMED
    work.clear()
    every_report_read(loaded, councillor)
    assert work == Counter()


def test_the_warm_up_reads_the_facts_once_and_logs_no_access(loaded, work):
    reports_warm(authority=loaded, today=TODAY)
    assert work["facts"] == 1  # one data version: one read, for every table computed
    assert work["tables"] >= 3  # months, quarters, the members' report's year
    assert AccessLogEntry.objects.count() == 0  # no child-level row is read


def test_a_report_that_fails_is_logged_and_the_others_are_warmed(loaded, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("no quarterly today")

    monkeypatch.setitem(builders.BUILDERS, "quarterly", broken)
    with caplog.at_level(logging.ERROR, logger="cpqa.reports.services"):
        warmed = reports_warm(authority=loaded, today=TODAY)
    assert warmed == [w for w in WARMED if not w.startswith("quarterly")]
    assert "Warming the quarterly report for 2025-26Q2 failed" in caplog.text


def test_the_warm_up_after_commit_waits_for_the_commit(
    loaded, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr(services, "reports_warm", lambda **kwargs: calls.append(kwargs))

    class Inline:  # the thread, run at once
        def __init__(self, target, name):
            self.target = target

        def start(self):
            self.target()

    monkeypatch.setattr(services.threading, "Thread", Inline)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reports_warm_after_commit(authority=loaded, today=TODAY)
        assert calls == []  # not before the commit
    assert len(callbacks) == 1
    assert calls == [{"authority": loaded, "today": TODAY}]


def test_one_build_reads_the_facts_once(loaded, work):
    # The quarterly report reads the table of the quarters and that of the months.
    report_for_operator(
        name="quarterly", period=QUARTER, authority=loaded, operator="t", today=TODAY
    )
    assert work["tables"] >= 2
    assert work["facts"] == 1


def test_facts_are_shared_within_the_block_and_read_afresh_for_new_data(loaded, work):
    july, september = date(2025, 7, 1), date(2025, 9, 30)
    with facts_shared():
        indicator_table(authority=loaded, start=july, end=september, by="month")
        indicator_table(authority=loaded, start=july, end=september, by="quarter")
        assert work["facts"] == 1
        data_version_bump(authority=loaded)  # an import in between
        indicator_table(authority=loaded, start=july, end=september, by="quarter")
        assert work["facts"] == 2
    indicator_table(authority=loaded, start=july, end=september, by="none")
    assert work["facts"] == 3  # outside the block every table reads them
