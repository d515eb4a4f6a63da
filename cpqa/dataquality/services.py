"""Writes of the data-quality app: running the checks and storing what they find.

`findings_refresh` runs the 29 rules and the completeness checks over an
authority's data and stores the results (models.py), replacing the last run.
The import service calls it after every successful load, inside the import's
transaction, so that a dry run previews the findings too (and rolls them back).
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import date

import polars as pl
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Count
from django.utils import timezone

from cpqa.casework.models import Professional, Team
from cpqa.core.bulk import rows_insert
from cpqa.core.models import Authority
from cpqa.core.selectors import data_version_get

from .completeness import TREND_MONTHS, completeness_attributed, completeness_counts
from .engine import (
    FAILED,
    NOT_RUN,
    census_view,
    census_year_end,
    child_teams,
    data_as_at,
    findings_attribute,
    rules_run,
)
from .models import CompletenessCount, CompletenessGap, Finding, Severity, ValidationRun
from .rules.base import RuleContext
from .selectors import check_frames

CHECKS = "checks"
REFRESH_FAILED = "The data-quality checks of authority %s failed."

logger = logging.getLogger(__name__)


@dataclass
class RefreshSummary:
    """What a refresh found, for the import result and the command line."""

    run_id: int | None
    data_version: int
    reference_date: date
    as_at: date
    counts: dict[str, int] = field(default_factory=dict)
    not_run: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    errors: int = 0
    queries: int = 0
    seconds: float = 0.0
    reused: bool = False

    @property
    def total(self) -> int:
        return self.errors + self.queries

    def as_dict(self) -> dict:
        return {
            "data_version": self.data_version,
            "reference_date": self.reference_date.isoformat(),
            "as_at": self.as_at.isoformat(),
            "findings": self.total,
            "errors": self.errors,
            "queries": self.queries,
            "counts": self.counts,
            "not_run": self.not_run,
            "failed": self.failed,
            "seconds": round(self.seconds, 2),
        }


def refresh_summary(run: ValidationRun, *, reused: bool = False) -> RefreshSummary:
    counts, not_run, failed = {}, {}, {}
    for code, outcome in run.outcomes.items():
        if outcome["status"] == NOT_RUN:
            not_run[code] = outcome["note"]
        elif outcome["status"] == FAILED:
            failed[code] = outcome["note"]
        else:
            counts[code] = outcome["count"]
    severities = dict(
        Finding.objects.filter(run=run).order_by().values_list("severity").annotate(n=Count("pk"))
    )
    return RefreshSummary(
        run_id=run.pk,
        data_version=run.data_version,
        reference_date=run.reference_date,
        as_at=run.as_at,
        counts=counts,
        not_run=not_run,
        failed=failed,
        errors=severities.get(Severity.ERROR, 0),
        queries=severities.get(Severity.QUERY, 0),
        seconds=run.seconds,
        reused=reused,
    )


def _ids(model, authority: Authority) -> pl.DataFrame:
    rows = list(model.objects.filter(authority=authority).values_list("ref", "pk"))
    return pl.DataFrame(rows, schema={"ref": pl.String, "id": pl.Int64}, orient="row")


def _with_ids(frame: pl.DataFrame, *, teams: pl.DataFrame, workers: pl.DataFrame) -> pl.DataFrame:
    """Replace the team, worker and child_team refs by the ids of those records."""
    for column, ids in (("team", teams), ("child_team", teams), ("worker", workers)):
        if column not in frame.columns:
            continue
        frame = frame.join(
            ids.rename({"ref": column, "id": f"{column}_id"}), on=column, how="left"
        ).drop(column)
    return frame


def _insert(model, frame: pl.DataFrame) -> None:
    """Insert the frame's rows (columns named as the model's database columns)."""
    rows_insert(table=model._meta.db_table, frame=frame)


def findings_refresh(
    *,
    authority: Authority,
    reference_date: date | None = None,
    today: date | None = None,
    region: str | None = None,
    force: bool = False,
) -> RefreshSummary:
    """Run every check over the authority's data and store the results.

    reference_date: the census year to check; by default the one the data is
    in (engine.reference_date_default). The last run is kept if it was of the
    same data version and census year, unless `force`.

    Never fatal to its caller (an import) for a fault of the checks: a rule
    that raises is reported by the runner, and anything else that fails is
    logged and reported in the summary's `failed`, with what was stored before
    left as it was (the work is done in a savepoint of its own). A fault of the
    database itself is raised, for the import to fail with it.
    """
    region = region or settings.CPQA_REGION
    today = today or timezone.localdate()
    try:
        return _refresh(
            authority=authority,
            reference_date=reference_date,
            today=today,
            region=region,
            force=force,
        )
    except DatabaseError:
        # The database itself failed (full, read only, gone): the import must fail too.
        raise
    except Exception as exc:  # a failure of the checks themselves must never stop an import
        logger.exception(REFRESH_FAILED, authority.pk)
        return RefreshSummary(
            run_id=None,
            data_version=data_version_get(authority=authority),
            reference_date=reference_date or census_year_end(today),
            as_at=today,
            failed={CHECKS: f"{type(exc).__name__}: {exc}"},
        )


def _refresh(
    *, authority: Authority, reference_date: date | None, today: date, region: str, force: bool
) -> RefreshSummary:
    with transaction.atomic():
        version = data_version_get(authority=authority)
        latest = ValidationRun.objects.filter(authority=authority).first()
        if (
            latest is not None
            and not force
            and latest.data_version == version
            and latest.region == region
            and (reference_date is None or latest.reference_date == reference_date)
        ):
            return refresh_summary(latest, reused=True)
        started = time.perf_counter()
        frames = check_frames(authority=authority)
        as_at = data_as_at(frames=frames, today=today)
        context = RuleContext(
            reference_date=reference_date or census_year_end(as_at), region=region, as_at=as_at
        )
        result = rules_run(
            frames=census_view(frames=frames, context=context, as_at=as_at), context=context
        )
        found = findings_attribute(result.findings, frames=frames, context=context)
        records = completeness_attributed(frames=frames, as_at=as_at, region=region)
        now = timezone.now()
        ValidationRun.objects.filter(authority=authority).delete()
        run = ValidationRun.objects.create(
            authority=authority,
            data_version=version,
            reference_date=context.reference_date,
            as_at=as_at,
            region=region,
            created_at=now,
            outcomes={code: outcome.as_dict() for code, outcome in result.outcomes.items()},
        )
        teams, workers = _ids(Team, authority), _ids(Professional, authority)
        common = (
            pl.lit(run.pk).alias("run_id"),
            pl.lit(authority.pk).alias("authority_id"),
        )
        _insert(
            Finding,
            _with_ids(found, teams=teams, workers=workers).select(
                *common,
                "rule",
                "severity",
                pl.col("child").fill_null("").alias("child_ref"),
                pl.col("table").alias("table"),
                pl.col("ref").fill_null("").alias("record_ref"),
                "field",
                pl.col("value").fill_null("").str.slice(0, 200).alias("value"),
                "message",
                pl.col("detail").fill_null("").alias("detail"),
                "team_id",
                "worker_id",
                "child_team_id",
                pl.lit(version).alias("data_version"),
                pl.lit(connection.ops.adapt_datetimefield_value(now)).alias("created_at"),
            ),
        )
        counts = _with_ids(
            completeness_counts(records, months=TREND_MONTHS), teams=teams, workers=workers
        ).select(*common, "item", "grain", "team_id", "worker_id", "month", "total", "complete")
        _insert(CompletenessCount, counts)
        gaps = records.filter(~pl.col("complete")).join(child_teams(frames), on="child", how="left")
        gaps = _with_ids(gaps, teams=teams, workers=workers)
        _insert(
            CompletenessGap,
            gaps.select(
                *common,
                "item",
                pl.col("child").fill_null("").alias("child_ref"),
                "table",
                pl.col("ref").alias("record_ref"),
                "field",
                "event_date",
                "team_id",
                "worker_id",
                "child_team_id",
            ),
        )
        ValidationRun.objects.filter(pk=run.pk).update(seconds=time.perf_counter() - started)
        run.refresh_from_db()
    return refresh_summary(run)


FINDINGS_LINE = (
    "Data quality (census year ending {reference_date:%d %b %Y}): {total:,} finding{s}, "
    "{errors:,} error{es} and {queries:,} quer{ies}."
)
RULE_LINE = "  {code}: {count:,}"
NOT_RUN_LINE = "  {code}: {note}"


def refresh_summary_lines(summary: RefreshSummary) -> list[str]:
    """The summary as lines for the command line: the totals, then each rule with findings."""
    lines = [
        FINDINGS_LINE.format(
            reference_date=summary.reference_date,
            total=summary.total,
            s="" if summary.total == 1 else "s",
            errors=summary.errors,
            es="" if summary.errors == 1 else "s",
            queries=summary.queries,
            ies="y" if summary.queries == 1 else "ies",
        )
    ]
    lines += [
        RULE_LINE.format(code=code, count=count) for code, count in summary.counts.items() if count
    ]
    lines += [NOT_RUN_LINE.format(code=code, note=note) for code, note in summary.not_run.items()]
    lines += [NOT_RUN_LINE.format(code=code, note=note) for code, note in summary.failed.items()]
    return lines
