"""Reads of the stored data-quality results, scoped to the reader.

Who may see what:
- findings and missing records are child-level: team roles see those of the
  children of their teams (by the child's current team, as for the child's
  record); authority child-level roles see all; councillors and
  administrators none. Every list or export of them writes an access-log
  entry naming the children shown.
- counts are aggregates: team roles see their teams' counts, authority roles
  and councillors the authority's; councillors see counts of 1 to 4 suppressed
  and no breakdown by worker.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum

from cpqa.accounts.models import AccessKind
from cpqa.accounts.scope import Scope, user_scope
from cpqa.accounts.services import access_log_record
from cpqa.casework.models import Professional, Team
from cpqa.casework.schema import Column, fact_table
from cpqa.core.bulk import rows_fetch
from cpqa.core.models import Authority
from cpqa.core.selectors import data_version_get

from .completeness import ITEM_BY_CODE, ITEMS, TREND_MONTHS, Item, completeness_percent
from .engine import (
    COLUMNS_READ,
    NOT_RUN,
    RAN,
    STATUS_LABELS,
    RunResult,
    census_view,
    census_year_end,
    data_as_at,
    findings_attribute,
    rules_run,
)
from .models import CompletenessCount, CompletenessGap, Finding, Grain, Severity, ValidationRun
from .rules.base import RuleContext, dfe_rules

RECORD_TYPE_FINDINGS = "data quality findings"
RECORD_TYPE_GAPS = "missing data"


def run_latest(*, authority_id: int | None) -> ValidationRun | None:
    return ValidationRun.objects.filter(authority_id=authority_id).first()


def run_is_stale(*, run: ValidationRun | None) -> bool:
    """Whether the data has changed since the run (or there is no run)."""
    if run is None:
        return True
    return run.data_version != data_version_get(authority=run.authority)


def _in_scope(queryset: QuerySet, scope: Scope, *, child_level: bool) -> QuerySet:
    """Filter to what the scope may see: by the child's team, or the record's team."""
    queryset = queryset.filter(authority_id=scope.authority_id)
    if scope.team_ids is None or not scope.child_level:
        return queryset
    column = "child_team_id__in" if child_level else "team_id__in"
    return queryset.filter(**{column: scope.team_ids})


def scoped_teams(*, scope: Scope) -> QuerySet[Team]:
    teams = Team.objects.filter(authority_id=scope.authority_id).order_by("name")
    if scope.child_level and scope.team_ids is not None:
        teams = teams.filter(pk__in=scope.team_ids)
    return teams


@dataclass
class RuleRow:
    code: str
    severity: str
    message: str
    status: str
    status_label: str
    note: str
    count: int


@dataclass
class TeamRow:
    team_id: int | None
    name: str
    errors: int
    queries: int

    @property
    def total(self) -> int:
        return self.errors + self.queries


@dataclass
class FindingSummary:
    run: ValidationRun | None
    stale: bool
    suppress: bool
    whole_authority: bool
    rules: list[RuleRow] = field(default_factory=list)
    teams: list[TeamRow] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(row.count for row in self.rules if row.severity == Severity.ERROR)

    @property
    def queries(self) -> int:
        return sum(row.count for row in self.rules if row.severity == Severity.QUERY)


def finding_summary(*, scope: Scope) -> FindingSummary:
    """Counts of findings per rule and per team, as the scope may see them."""
    run = run_latest(authority_id=scope.authority_id)
    summary = FindingSummary(
        run=run,
        stale=run_is_stale(run=run),
        suppress=not scope.child_level,
        whole_authority=scope.team_ids is None or not scope.child_level,
    )
    if run is None:
        return summary
    findings = _in_scope(Finding.objects.filter(run=run), scope, child_level=True)
    per_rule = dict(findings.order_by().values_list("rule").annotate(n=Count("pk")))
    for code, dfe in dfe_rules().items():
        outcome = run.outcomes.get(code, {"status": NOT_RUN, "note": "", "count": 0})
        summary.rules.append(
            RuleRow(
                code=code,
                severity=dfe.severity,
                message=dfe.message,
                status=outcome["status"],
                status_label=STATUS_LABELS[outcome["status"]],
                note=outcome["note"],
                count=per_rule.get(code, 0) if outcome["status"] == RAN else 0,
            )
        )
    per_team = (
        findings.order_by()
        .values("team_id", "team__name")
        .annotate(
            errors=Count("pk", filter=Q(severity=Severity.ERROR)),
            queries=Count("pk", filter=Q(severity=Severity.QUERY)),
        )
    )
    summary.teams = sorted(
        (
            TeamRow(
                team_id=row["team_id"],
                name=row["team__name"] or "No team recorded",
                errors=row["errors"],
                queries=row["queries"],
            )
            for row in per_team
        ),
        key=lambda row: (row.team_id is None, row.name),
    )
    return summary


def _child_level(user) -> Scope:
    scope = user_scope(user)
    if not scope.child_level:
        raise PermissionDenied
    return scope


def _findings_filtered(
    *,
    scope: Scope,
    team_id: int | None,
    worker_id: int | None,
    rule: str | None,
    severity: str | None,
) -> QuerySet[Finding]:
    run = run_latest(authority_id=scope.authority_id)
    findings = _in_scope(Finding.objects.filter(run=run), scope, child_level=True)
    if team_id is not None:
        findings = findings.filter(team_id=team_id)
    if worker_id is not None:
        findings = findings.filter(worker_id=worker_id)
    if rule:
        findings = findings.filter(rule=rule)
    if severity:
        findings = findings.filter(severity=severity)
    return findings.select_related("team", "worker")


def finding_workers(*, scope: Scope) -> QuerySet[Professional]:
    """The workers of the findings the scope may see, for filtering by worker."""
    run = run_latest(authority_id=scope.authority_id)
    worker_ids = _in_scope(Finding.objects.filter(run=run), scope, child_level=True).values(
        "worker_id"
    )
    return Professional.objects.filter(pk__in=worker_ids).order_by("name")


def finding_list(
    *,
    user,
    via: str,
    team_id: int | None = None,
    worker_id: int | None = None,
    rule: str | None = None,
    severity: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Finding], int]:
    """A page of the findings the user may see, and how many there are; logged."""
    scope = _child_level(user)
    findings = _findings_filtered(
        scope=scope, team_id=team_id, worker_id=worker_id, rule=rule, severity=severity
    )
    total = findings.count()
    page = list(findings[offset : offset + limit])
    children = [finding.child_ref for finding in page if finding.child_ref]
    if children:
        access_log_record(
            user=user,
            kind=AccessKind.PAGE,
            via=via,
            record_type=RECORD_TYPE_FINDINGS,
            child_refs=children,
        )
    return page, total


def finding_export(
    *,
    user,
    via: str,
    team_id: int | None = None,
    worker_id: int | None = None,
    rule: str | None = None,
    severity: str | None = None,
) -> list[Finding]:
    """Every finding the user may see that matches; logged as an export."""
    scope = _child_level(user)
    findings = list(
        _findings_filtered(
            scope=scope, team_id=team_id, worker_id=worker_id, rule=rule, severity=severity
        )
    )
    access_log_record(
        user=user,
        kind=AccessKind.EXPORT,
        via=via,
        record_type=RECORD_TYPE_FINDINGS,
        child_refs=[finding.child_ref for finding in findings if finding.child_ref],
    )
    return findings


@dataclass
class Share:
    """Records counted and complete, and the percentage complete."""

    total: int = 0
    complete: int = 0

    @property
    def missing(self) -> int:
        return self.total - self.complete

    @property
    def percent(self) -> float | None:
        return completeness_percent(self.complete, self.total)

    def add(self, total: int, complete: int) -> None:
        self.total += total
        self.complete += complete


@dataclass
class CompletenessRow:
    """One row of a completeness table: a team, a worker or a month, across the items."""

    key: int | date | None
    label: str
    team: str = ""
    shares: dict[str, Share] = field(default_factory=dict)

    def share(self, item: str) -> Share:
        return self.shares.setdefault(item, Share())

    @property
    def cells(self) -> list[Share]:
        return [self.shares.get(item.code, Share()) for item in ITEMS]


@dataclass
class CompletenessSummary:
    run: ValidationRun | None
    stale: bool
    suppress: bool
    show_workers: bool
    items: list[tuple[Item, Share]] = field(default_factory=list)
    teams: list[CompletenessRow] = field(default_factory=list)
    workers: list[CompletenessRow] = field(default_factory=list)


def _counts(*, scope: Scope, grain: str, team_id: int | None) -> QuerySet[CompletenessCount]:
    run = run_latest(authority_id=scope.authority_id)
    counts = _in_scope(
        CompletenessCount.objects.filter(run=run, grain=grain), scope, child_level=False
    )
    if team_id is not None:
        counts = counts.filter(team_id=team_id)
    return counts


def completeness_summary(*, scope: Scope, team_id: int | None = None) -> CompletenessSummary:
    """Completeness by item, by team and (for child-level roles) by worker."""
    run = run_latest(authority_id=scope.authority_id)
    show_workers = scope.child_level and (team_id is not None or scope.team_ids is not None)
    summary = CompletenessSummary(
        run=run,
        stale=run_is_stale(run=run),
        suppress=not scope.child_level,
        show_workers=show_workers,
    )
    if run is None:
        return summary
    counts = _counts(scope=scope, grain=Grain.WORKER, team_id=team_id)
    by_item: dict[str, Share] = defaultdict(Share)
    teams: dict[int | None, CompletenessRow] = {}
    workers: dict[tuple[int | None, int | None], CompletenessRow] = {}
    rows = counts.values_list(
        "item", "team_id", "team__name", "worker_id", "worker__name", "total", "complete"
    )
    for item, team, team_name, worker, worker_name, total, complete in rows:
        by_item[item].add(total, complete)
        team_row = teams.setdefault(
            team, CompletenessRow(key=team, label=team_name or "No team recorded")
        )
        team_row.share(item).add(total, complete)
        if show_workers:
            worker_row = workers.setdefault(
                (team, worker),
                CompletenessRow(
                    key=worker,
                    label=worker_name or "No worker recorded",
                    team=team_name or "No team recorded",
                ),
            )
            worker_row.share(item).add(total, complete)
    summary.items = [(item, by_item.get(item.code, Share())) for item in ITEMS]
    summary.teams = sorted(teams.values(), key=lambda row: (row.key is None, row.label))
    summary.workers = sorted(
        workers.values(), key=lambda row: (row.team, row.key is None, row.label)
    )
    return summary


def completeness_trend(*, scope: Scope, team_id: int | None = None) -> list[CompletenessRow]:
    """Completeness by month of the event, the latest TREND_MONTHS months, oldest first."""
    counts = (
        _counts(scope=scope, grain=Grain.MONTH, team_id=team_id)
        .filter(month__isnull=False)
        .order_by()
        .values("month", "item")
        .annotate(total=Sum("total"), complete=Sum("complete"))
    )
    months: dict[date, CompletenessRow] = {}
    for row in counts:
        month_row = months.setdefault(
            row["month"], CompletenessRow(key=row["month"], label=row["month"].strftime("%b %Y"))
        )
        month_row.share(row["item"]).add(row["total"], row["complete"])
    return [months[month] for month in sorted(months)[-TREND_MONTHS:]]


def gap_workers(*, scope: Scope) -> QuerySet[Professional]:
    """The workers of the missing records the scope may see, for filtering by worker."""
    run = run_latest(authority_id=scope.authority_id)
    worker_ids = _in_scope(CompletenessGap.objects.filter(run=run), scope, child_level=True).values(
        "worker_id"
    )
    return Professional.objects.filter(pk__in=worker_ids).order_by("name")


def completeness_gap_list(
    *,
    user,
    via: str,
    item: str | None = None,
    team_id: int | None = None,
    worker_id: int | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[CompletenessGap], int]:
    """A page of the records missing an item, that the user may see; logged."""
    scope = _child_level(user)
    run = run_latest(authority_id=scope.authority_id)
    gaps = _in_scope(CompletenessGap.objects.filter(run=run), scope, child_level=True)
    if item:
        gaps = gaps.filter(item=item)
    if team_id is not None:
        gaps = gaps.filter(team_id=team_id)
    if worker_id is not None:
        gaps = gaps.filter(worker_id=worker_id)
    total = gaps.count()
    page = list(gaps.select_related("team", "worker")[offset : offset + limit])
    for gap in page:
        gap.item_label = ITEM_BY_CODE[gap.item].label if gap.item in ITEM_BY_CODE else gap.item
    children = [gap.child_ref for gap in page if gap.child_ref]
    if children:
        access_log_record(
            user=user,
            kind=AccessKind.PAGE,
            via=via,
            record_type=RECORD_TYPE_GAPS,
            child_refs=children,
        )
    return page, total


def check_frame(*, authority: Authority, table: str, columns: tuple[str, ...]) -> pl.DataFrame:
    """Some columns of one fact table as a canonical frame, for the checks.

    As casework.selectors.fact_frame, but only the columns the checks read
    (engine.COLUMNS_READ), and fast enough for an authority's whole history
    within an import: dates are read as ISO text and parsed by polars rather
    than one by one by the database driver's converters. Not child-level output
    in itself: whatever shows its rows to a person logs that.
    """
    spec = fact_table(table)
    quote = connection.ops.quote_name
    select, joins, schema = [], [], {}
    for index, name in enumerate(columns):
        if table == "child" and name == "team":
            column = Column("team", pl.String, False, "team", None, None, "", "team_id")
        else:
            column = spec.column(name)
        if column.references is not None:
            alias = f"r{index}"
            target = fact_table(column.references).db_table
            joins.append(f"LEFT JOIN {quote(target)} {alias} ON {alias}.id = t.{column.db_column}")
            value = f"{alias}.ref"
        else:
            value = f"t.{quote(column.db_column)}"
        if column.dtype == pl.Date:
            value = f"CAST({value} AS TEXT)"
        select.append(value)
        schema[name] = column.dtype
    sql = (
        f"SELECT {', '.join(select)} FROM {quote(spec.db_table)} t {' '.join(joins)} "  # noqa: S608
        "WHERE t.authority_id = %s"
    )
    frame = rows_fetch(sql=sql, params=[authority.pk], schema=schema)
    # Blank text is stored as "" but means "not recorded": null, as in imported frames.
    converted = [
        pl.col(name).replace("", None) for name, dtype in schema.items() if dtype == pl.String
    ]
    return frame.with_columns(converted)


def check_frames(*, authority: Authority) -> dict[str, pl.DataFrame]:
    """The frames the checks read (engine.COLUMNS_READ), keyed by table name."""
    return {
        table: check_frame(authority=authority, table=table, columns=columns)
        for table, columns in COLUMNS_READ.items()
    }


@dataclass
class ComputedFindings:
    """Findings worked out on demand (not stored), for the command line."""

    result: RunResult
    as_at: date
    findings: pl.DataFrame  # FINDING_COLUMNS


def findings_compute(
    *,
    authority: Authority,
    region: str,
    today: date,
    reference_date: date | None = None,
    codes: list[str] | None = None,
) -> ComputedFindings:
    """Run the rules over the data held, as findings_refresh does, without storing them."""
    frames = check_frames(authority=authority)
    as_at = data_as_at(frames=frames, today=today)
    context = RuleContext(
        reference_date=reference_date or census_year_end(as_at), region=region, as_at=as_at
    )
    result = rules_run(
        frames=census_view(frames=frames, context=context, as_at=as_at),
        context=context,
        codes=codes,
    )
    found = findings_attribute(result.findings, frames=frames, context=context)
    teams = frames["team"].select(pl.col("ref").alias("team"), pl.col("name").alias("team_name"))
    workers = frames["professional"].select(
        pl.col("ref").alias("worker"), pl.col("name").alias("worker_name")
    )
    rows = (
        found.join(teams, on="team", how="left")
        .join(workers, on="worker", how="left")
        .select(
            "rule",
            "severity",
            pl.col("child").alias("child_id"),
            "table",
            pl.col("ref").alias("record"),
            "field",
            "value",
            "message",
            "detail",
            pl.col("team_name").alias("team"),
            pl.col("worker_name").alias("worker"),
        )
        .with_columns(pl.all().fill_null(""))
    )
    return ComputedFindings(result=result, as_at=as_at, findings=rows)
