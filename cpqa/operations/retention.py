"""Retention: what cpqa removes once it is past the time it may be kept.

Each kind of record has a retention period in years, from the environment (see
docs/operations.md); 0 keeps it for ever.

- children: a child whose last activity (the latest date in any of their facts)
  is older than CPQA_RETAIN_CHILD_YEARS, and who has nothing still open (a plan,
  episode or enquiry without an end), is removed with every fact about them.
- import runs: runs older than CPQA_RETAIN_IMPORT_RUNS_YEARS that no fact still
  comes from (rejected, unchanged, superseded, or whose facts are gone).
  TODO(ingest): when imports keep the uploaded files on disk, remove those past
  the same retention here.
- access log: entries older than CPQA_RETAIN_ACCESS_LOG_YEARS. This is the only
  way an entry ever leaves the access log: the ORM and the admin refuse, and on
  PostgreSQL a trigger refuses any DELETE not made here (see
  accounts/migrations/0005). Every removal is recorded as a RetentionRun.
- sign-in records: django-axes' records of sign-ins and failed attempts older
  than CPQA_RETAIN_SIGN_IN_RECORDS_YEARS; and sessions that have expired.
"""

import getpass
import logging
from dataclasses import dataclass
from datetime import date, datetime, time

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from cpqa.accounts.models import AccessLogChild, AccessLogEntry
from cpqa.accounts.selectors import fact_path_to_child
from cpqa.casework.models import Child
from cpqa.casework.schema import fact_tables
from cpqa.core.models import Authority
from cpqa.core.periods import add_years
from cpqa.core.services import data_version_bump
from cpqa.ingest.models import ImportRun

from .models import RetentionRun

log = logging.getLogger(__name__)

# A fact with one of these empty is still open: its child has current activity.
END_FIELDS = ("end_date", "closure_date", "to_date")


@dataclass(frozen=True)
class RetentionItem:
    kind: str
    label: str
    years: int
    cutoff: date | None  # None: kept for ever
    count: int


def _cutoff(years: int, today: date) -> date | None:
    return add_years(today, -years) if years > 0 else None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def children_past_retention(*, cutoff: date) -> list[int]:
    """The ids of children with no activity since the cut-off and nothing open."""
    latest: dict[int, date] = {}
    open_children: set[int] = set()
    for table in fact_tables():
        lookup = fact_path_to_child(table.model)
        if not lookup:
            continue
        child_id = lookup  # values() of a foreign key gives the child's id
        dates = [
            field.name
            for field in table.model._meta.concrete_fields
            if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)
        ]
        for name in dates:
            rows = (
                table.model.objects.exclude(**{name: None})
                .values(child_id)
                .annotate(last=Max(name))
                .values_list(child_id, "last")
            )
            for child, last in rows:
                if child is not None and (child not in latest or last > latest[child]):
                    latest[child] = last
            if name in END_FIELDS:
                open_children.update(
                    table.model.objects.filter(**{name: None}).values_list(child_id, flat=True)
                )
    candidates = []
    for child_id, recorded_at in Child.objects.values_list("pk", "recorded_at"):
        last = latest.get(child_id) or timezone.localdate(recorded_at)
        if last < cutoff and child_id not in open_children:
            candidates.append(child_id)
    return candidates


def import_runs_past_retention(*, cutoff: date) -> list[int]:
    """Import runs started before the cut-off from which no fact still comes."""
    runs = set(
        ImportRun.objects.filter(started_at__lt=_start_of(cutoff)).values_list("pk", flat=True)
    )
    for table in fact_tables():
        runs -= set(
            table.model.objects.filter(import_run_id__in=runs).values_list(
                "import_run_id", flat=True
            )
        )
    return sorted(runs)


def retention_report(*, today: date | None = None) -> list[RetentionItem]:
    """What is past retention today, kind by kind (nothing is removed)."""
    today = today or timezone.localdate()
    items = []
    cutoff = _cutoff(settings.CPQA_RETAIN_CHILD_YEARS, today)
    items.append(
        RetentionItem(
            "children",
            "Children (with all their facts)",
            settings.CPQA_RETAIN_CHILD_YEARS,
            cutoff,
            len(children_past_retention(cutoff=cutoff)) if cutoff else 0,
        )
    )
    cutoff = _cutoff(settings.CPQA_RETAIN_IMPORT_RUNS_YEARS, today)
    items.append(
        RetentionItem(
            "import_runs",
            "Import runs",
            settings.CPQA_RETAIN_IMPORT_RUNS_YEARS,
            cutoff,
            len(import_runs_past_retention(cutoff=cutoff)) if cutoff else 0,
        )
    )
    cutoff = _cutoff(settings.CPQA_RETAIN_ACCESS_LOG_YEARS, today)
    items.append(
        RetentionItem(
            "access_log",
            "Access-log entries",
            settings.CPQA_RETAIN_ACCESS_LOG_YEARS,
            cutoff,
            AccessLogEntry.objects.filter(at__lt=_start_of(cutoff)).count() if cutoff else 0,
        )
    )
    cutoff = _cutoff(settings.CPQA_RETAIN_SIGN_IN_RECORDS_YEARS, today)
    sign_ins = 0
    if cutoff:
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            sign_ins += model.objects.filter(attempt_time__lt=_start_of(cutoff)).count()
    items.append(
        RetentionItem(
            "sign_in_records",
            "Sign-in records",
            settings.CPQA_RETAIN_SIGN_IN_RECORDS_YEARS,
            cutoff,
            sign_ins,
        )
    )
    items.append(
        RetentionItem(
            "expired_sessions",
            "Expired sessions",
            0,
            today,
            Session.objects.filter(expire_date__lt=timezone.now()).count(),
        )
    )
    return items


def _access_log_expire(*, before: datetime) -> int:
    """Remove access-log entries from before `before`: the one way they ever leave it."""
    entries = AccessLogEntry._meta.db_table
    children = AccessLogChild._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL cpqa.access_log_retention = 'on'")
        cursor.execute(
            f"DELETE FROM {children} WHERE entry_id IN "  # noqa: S608
            f"(SELECT id FROM {entries} WHERE at < %s)",
            [before],
        )
        cursor.execute(f"DELETE FROM {entries} WHERE at < %s", [before])  # noqa: S608
        removed = cursor.rowcount
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL cpqa.access_log_retention = 'off'")
    return removed


def retention_apply(*, operator: str = "", today: date | None = None) -> RetentionRun:
    """Remove everything past retention, in one transaction, and record what went."""
    today = today or timezone.localdate()
    operator = operator or getpass.getuser()
    removed: dict[str, int] = {}
    cutoffs: dict[str, str | None] = {}
    with transaction.atomic():
        cutoff = _cutoff(settings.CPQA_RETAIN_CHILD_YEARS, today)
        cutoffs["children"] = cutoff.isoformat() if cutoff else None
        ids = children_past_retention(cutoff=cutoff) if cutoff else []
        if ids:
            authorities = set(
                Child.objects.filter(pk__in=ids).values_list("authority_id", flat=True)
            )
            Child.objects.filter(pk__in=ids).delete()
            for authority in Authority.objects.filter(pk__in=authorities):
                data_version_bump(authority=authority)
        removed["children"] = len(ids)

        cutoff = _cutoff(settings.CPQA_RETAIN_IMPORT_RUNS_YEARS, today)
        cutoffs["import_runs"] = cutoff.isoformat() if cutoff else None
        runs = import_runs_past_retention(cutoff=cutoff) if cutoff else []
        if runs:
            ImportRun.objects.filter(superseded_by_id__in=runs).update(superseded_by=None)
            ImportRun.objects.filter(pk__in=runs).delete()
        removed["import_runs"] = len(runs)

        cutoff = _cutoff(settings.CPQA_RETAIN_ACCESS_LOG_YEARS, today)
        cutoffs["access_log"] = cutoff.isoformat() if cutoff else None
        removed["access_log"] = _access_log_expire(before=_start_of(cutoff)) if cutoff else 0

        cutoff = _cutoff(settings.CPQA_RETAIN_SIGN_IN_RECORDS_YEARS, today)
        cutoffs["sign_in_records"] = cutoff.isoformat() if cutoff else None
        sign_ins = 0
        if cutoff:
            for model in (AccessAttempt, AccessFailureLog, AccessLog):
                sign_ins += model.objects.filter(attempt_time__lt=_start_of(cutoff)).delete()[0]
        removed["sign_in_records"] = sign_ins

        removed["expired_sessions"] = Session.objects.filter(
            expire_date__lt=timezone.now()
        ).delete()[0]
        run = RetentionRun.objects.create(
            at=timezone.now(), operator=operator[:150], removed=removed, cutoffs=cutoffs
        )
    log.warning("cpqa retention by %s removed %s (cut-offs %s)", operator, removed, cutoffs)
    return run
