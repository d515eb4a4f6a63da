"""Reads for the reports: who may have which report, and the figures and records behind it.

Who may see what (docs/reports.md): `report_access` turns a user and a report
into a ReportAccess (the teams shown, whether small numbers are suppressed,
whether children may be listed) or refuses with PermissionDenied. Every read
here is scoped by that access, and the one read that returns child-level rows
(`unallocated_children`) writes the access-log entry itself, for pages (kind
page) and downloads (kind export) alike. The command line runs as the
operator (`report_access_operator`), who has the server and its database.

Indicator figures come from cpqa.indicators' cache (`indicator_table`), so the
reports, the pages and the API agree; suppressed figures are the very rows the
API gives councillors (`indicator_rows(suppress=True)`), so that reading both
cannot give away more than either.
"""

from dataclasses import dataclass
from datetime import date

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from cpqa.accounts.models import AccessKind
from cpqa.accounts.roles import Role
from cpqa.accounts.scope import user_scope
from cpqa.accounts.services import access_log_record
from cpqa.casework.models import (
    CINEpisode,
    Conference,
    ConferenceAttendance,
    Involvement,
    Professional,
    ProfessionalRole,
    ProtectionPlan,
    Section47,
    StaffingSnapshot,
    Team,
    UnallocatedEpisode,
    Visit,
)
from cpqa.casework.selectors import fact_frames
from cpqa.core.models import Authority
from cpqa.core.periods import Grouping, Period
from cpqa.indicators.engine import indicator_records
from cpqa.indicators.registry import indicator_get, indicators
from cpqa.indicators.selectors import (
    IndicatorQuery,
    indicator_context,
    indicator_rows,
    indicator_table,
)
from cpqa.indicators.suppression import LARGEST, SMALLEST
from cpqa.ingest.models import ImportOutcome, ImportRun
from cpqa.nationalstats.selectors import Comparison, statistics_comparison

from .document import SourceRun
from .periods import ReportPeriod
from .registry import REPORTS, ReportSpec, report_spec

NOT_ALLOWED = "Your role cannot see this report."
NO_AUTHORITY = "Your account belongs to no authority."
WHOLE_MONTHS = (
    "This report shows figures with small numbers suppressed, so it is for whole months: "
    "a month, a quarter, a year, or dates from the first day of a month to the last day "
    "of a month."
)
RECORD_TYPE_UNALLOCATED = "health check: unallocated children"
OPERATOR = "the operator at the command line ({name})"
SOURCES_LISTED = 20

FRAME_SCHEMA = {
    "indicator": pl.String,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "team_ref": pl.String,
    "team": pl.String,
    "breakdown": pl.String,
    "numerator": pl.Int64,
    "denominator": pl.Int64,
    "value": pl.Float64,
    "suppressed": pl.Boolean,
    "small": pl.Boolean,
}


@dataclass(frozen=True)
class ReportAccess:
    """What one reader gets of one report.

    team_refs: the teams whose rows are shown (None: every team).
    user: whom reads of child-level rows are logged against (None: the operator).
    """

    spec: ReportSpec
    authority: Authority
    team_refs: frozenset[str] | None
    suppress: bool
    child_rows: bool
    user: object | None
    via: str
    kind: str
    produced_for: str


def _role_labels(roles) -> str:
    return ", ".join(Role(role).label for role in Role if role in roles)


def report_access(*, user, name: str, via: str, kind: str = AccessKind.PAGE) -> ReportAccess:
    """The report as this user may have it, or PermissionDenied."""
    spec = report_spec(name)
    scope = user_scope(user)
    full = scope.has_role(*spec.roles)
    aggregate = scope.has_role(*spec.aggregate_roles)
    if not (full or aggregate):
        raise PermissionDenied(NOT_ALLOWED)
    authority = Authority.objects.filter(pk=scope.authority_id).first()
    if authority is None:
        raise PermissionDenied(NO_AUTHORITY)
    team_refs = None
    if scope.child_level and scope.team_ids is not None:
        team_refs = frozenset(
            Team.objects.filter(authority=authority, pk__in=scope.team_ids).values_list(
                "ref", flat=True
            )
        )
    # A role given only the aggregate version (councillors) gets it even if another of
    # the user's roles is child-level for other purposes but not allowed this report.
    child_level = full and scope.child_level
    return ReportAccess(
        spec=spec,
        authority=authority,
        team_refs=team_refs if child_level else None,
        suppress=spec.suppressed or not child_level,
        child_rows=spec.child_level and child_level,
        user=user,
        via=via,
        kind=kind,
        produced_for=f"{user.get_username()} ({_role_labels(scope.roles)})",
    )


def report_access_operator(*, name: str, authority: Authority, operator: str) -> ReportAccess:
    """The report as produced at the command line: the whole authority, as designed."""
    spec = report_spec(name)
    return ReportAccess(
        spec=spec,
        authority=authority,
        team_refs=None,
        suppress=spec.suppressed,
        child_rows=spec.child_level,
        user=None,
        via="",
        kind=AccessKind.EXPORT,
        produced_for=OPERATOR.format(name=operator),
    )


# --- The data: when it stands, where it came from ----------------------------------------

ACTIVITY_DATES = (
    (CINEpisode, "referral_date"),
    (Section47, "start_date"),
    (ProtectionPlan, "start_date"),
    (ProtectionPlan, "end_date"),
    (Conference, "date_held"),
    (Visit, "date"),
)


def data_as_at(*, authority: Authority, today: date) -> date | None:
    """The day the data stands at: its latest activity date up to today (None: no data).

    The same rule as the data-quality checks (dataquality.engine.data_as_at).
    """
    latest = None
    for model, column in ACTIVITY_DATES:
        value = (
            model.objects.filter(authority=authority, **{f"{column}__lte": today})
            .aggregate(day=Max(column))
            .get("day")
        )
        if value is not None and (latest is None or value > latest):
            latest = value
    return latest


def data_first_date(*, authority: Authority) -> date | None:
    """The earliest activity date held (the start of the history the data covers)."""
    first = None
    for model, column in ACTIVITY_DATES[:2]:
        value = model.objects.filter(authority=authority).aggregate(day=Min(column)).get("day")
        if value is not None and (first is None or value < first):
            first = value
    return first


def report_sources(*, authority: Authority) -> tuple[list[SourceRun], int]:
    """The imports the data held came from: accepted and not superseded, newest first.

    Returns the first SOURCES_LISTED and how many more there are.
    """
    runs = ImportRun.objects.filter(
        authority=authority, outcome=ImportOutcome.ACCEPTED, superseded_by__isnull=True
    ).order_by("-started_at", "-pk")
    total = runs.count()
    listed = [
        SourceRun(
            file_name=run.file_name,
            format=run.get_format_display(),
            imported=timezone.localtime(run.finished_at) if run.finished_at else None,
            period_start=run.period_start,
            period_end=run.period_end,
        )
        for run in runs[:SOURCES_LISTED]
    ]
    return listed, max(0, total - len(listed))


def teams_shown(*, authority: Authority, team_refs: frozenset[str] | None) -> list[tuple[str, str]]:
    """(ref, name) of the teams a report shows, by name."""
    teams = Team.objects.filter(authority=authority).order_by("name", "ref")
    if team_refs is not None:
        teams = teams.filter(ref__in=team_refs)
    return list(teams.values_list("ref", "name"))


# --- Indicator figures --------------------------------------------------------------------


def _kinds() -> dict[str, str]:
    return {indicator.id: indicator.kind for indicator in indicators()}


def indicator_frame(
    *, authority: Authority, start: date, end: date, by: Grouping, suppress: bool = False
) -> pl.DataFrame:
    """Every indicator for every period, the whole authority (team_ref null) and every team.

    With suppress, the figures a councillor sees: withheld figures are null,
    `suppressed` marks the rows with any figure withheld and `small` those whose
    own count (or denominator) is from 1 to 4 ("fewer than 5"). Aggregates only.
    """
    table = indicator_table(authority=authority, start=start, end=end, by=by)
    frame = table.select(
        pl.col("indicator").cast(pl.String),
        "period_start",
        "period_end",
        pl.col("team_ref").cast(pl.String),
        pl.col("team").cast(pl.String),
        pl.col("breakdown").cast(pl.String),
        "numerator",
        "denominator",
        "value",
    )
    if not suppress:
        return frame.with_columns(suppressed=pl.lit(False), small=pl.lit(False))
    rows = indicator_rows(
        authority=authority,
        query=IndicatorQuery(start=start, end=end, by=by),
        suppress=True,
        all_teams=True,
    )
    if len(rows) != frame.height:
        raise RuntimeError("the suppressed rows do not match the indicator table")
    kind = pl.col("indicator").replace_strict(_kinds(), default="count")

    def in_range(column: str) -> pl.Expr:
        return pl.col(column).is_between(SMALLEST, LARGEST).fill_null(False)

    small = (kind.is_in(["count", "percentage", "rate"]) & in_range("numerator")) | (
        kind.is_in(["percentage", "mean"]) & in_range("denominator")
    )
    return frame.with_columns(small=small).with_columns(
        numerator=pl.Series([row["numerator"] for row in rows], dtype=pl.Int64),
        denominator=pl.Series([row["denominator"] for row in rows], dtype=pl.Int64),
        value=pl.Series([row["value"] for row in rows], dtype=pl.Float64),
        suppressed=pl.Series([row["suppressed"] for row in rows], dtype=pl.Boolean),
    )


def indicator_periods(
    *, authority: Authority, periods: list[ReportPeriod], suppress: bool = False
) -> pl.DataFrame:
    """The indicator frame for these periods (of one kind): one table read when they
    are months, quarters or years, one per period when they are date ranges."""
    if not periods:
        return pl.DataFrame(schema=FRAME_SCHEMA)
    kinds = {period.kind for period in periods}
    if len(kinds) == 1 and "range" not in kinds:
        by = periods[0].grouping
        frame = indicator_frame(
            authority=authority,
            start=min(period.start for period in periods),
            end=max(period.end for period in periods),
            by=by,
            suppress=suppress,
        )
        wanted = [period.start for period in periods]
        return frame.filter(pl.col("period_start").is_in(wanted))
    frames = [
        indicator_frame(
            authority=authority, start=period.start, end=period.end, by="none", suppress=suppress
        )
        for period in dict.fromkeys(periods)
    ]
    return pl.concat(frames)


# --- Conferences: why agencies did not attend ---------------------------------------------


def attendance_reasons(*, authority: Authority, period: ReportPeriod) -> pl.DataFrame:
    """Invited agencies that did not attend conferences held in the period, by the reason
    recorded (blank: not recorded). Aggregates for the whole authority."""
    rows = (
        ConferenceAttendance.objects.filter(
            authority=authority,
            invited=True,
            attended=False,
            conference__date_held__gte=period.start,
            conference__date_held__lte=period.end,
        )
        .values_list("agency", "non_attendance_reason")
        .annotate(conferences=Count("id"))
        .order_by()
    )
    frame = pl.DataFrame(
        list(rows),
        schema={"agency": pl.String, "reason": pl.String, "conferences": pl.Int64},
        orient="row",
    )
    return frame.group_by("agency", pl.col("reason").str.strip_chars()).agg(
        pl.col("conferences").sum()
    )


# --- The health check ---------------------------------------------------------------------

UNALLOCATED_SCHEMA = {
    "child": pl.String,
    "episode": pl.String,
    "team_ref": pl.String,
    "from_date": pl.Date,
    "days": pl.Int64,
    "risk": pl.String,
    "others_involved": pl.Boolean,
    "decision": pl.String,
    "decision_review_date": pl.Date,
}


def unallocated_children(*, access: ReportAccess, period: ReportPeriod) -> pl.DataFrame:
    """The children on a plan without an allocated social worker at the end of the period.

    The very children the indicator unallocated_at_end counts (one row per child,
    with the episode that began last). Child-level: only for an access that may
    list children, only those of its teams (by the child's current team, as for
    the child's record), and written to the access log (page or export) when any
    child is returned and the reader is a user.
    """
    if not access.child_rows:
        raise PermissionDenied(NOT_ALLOWED)
    authority = access.authority
    indicator = indicator_get("unallocated_at_end")
    context = indicator_context(authority=authority, periods=[Period(period.start, period.end)])
    frames = fact_frames(authority=authority, tables=indicator.tables)
    members = indicator_records(indicator, frames, context)
    if members.is_empty():
        return pl.DataFrame(schema=UNALLOCATED_SCHEMA)
    episodes = UnallocatedEpisode.objects.filter(
        authority=authority, ref__in=members.get_column("ref").to_list()
    ).values_list("ref", "others_involved", "decision", "decision_review_date", "child__team__ref")
    details = pl.DataFrame(
        list(episodes),
        schema={
            "ref": pl.String,
            "others_involved": pl.Boolean,
            "decision": pl.String,
            "decision_review_date": pl.Date,
            "child_team": pl.String,
        },
        orient="row",
    )
    rows = members.join(details, on="ref", how="left")
    if access.team_refs is not None:
        rows = rows.filter(pl.col("child_team").is_in(list(access.team_refs)))
    rows = rows.select(
        pl.col("child"),
        pl.col("ref").alias("episode"),
        pl.col("team").alias("team_ref"),
        pl.col("from_date").cast(pl.Date),
        pl.col("days_unallocated").cast(pl.Int64).alias("days"),
        pl.col("risk").cast(pl.String),
        "others_involved",
        pl.col("decision").replace("", None),
        "decision_review_date",
    ).sort(["days", "child"], descending=[True, False])
    if access.user is not None and rows.height:
        access_log_record(
            user=access.user,
            kind=access.kind,
            via=access.via,
            record_type=RECORD_TYPE_UNALLOCATED,
            child_refs=rows.get_column("child").to_list(),
        )
    return rows


STAFFING_SCHEMA = {
    "team_ref": pl.String,
    "month": pl.Date,
    "establishment_fte": pl.Float64,
    "filled_fte": pl.Float64,
    "vacant_social_worker": pl.Float64,
    "vacant_assistant_team_manager": pl.Float64,
    "vacant_team_manager": pl.Float64,
    "agency_staff": pl.Float64,
}


def staffing_by_team(*, authority: Authority, period: ReportPeriod) -> pl.DataFrame:
    """Each team's latest staffing snapshot of a month on or before the period's end."""
    rows = StaffingSnapshot.objects.filter(authority=authority, month__lte=period.end).values_list(
        "team__ref",
        "month",
        "establishment_fte",
        "filled_fte",
        "vacant_social_worker",
        "vacant_assistant_team_manager",
        "vacant_team_manager",
        "agency_staff",
    )
    frame = pl.DataFrame(list(rows), schema=STAFFING_SCHEMA, orient="row")
    return frame.sort("month").unique("team_ref", keep="last", maintain_order=True)


def caseloads_by_team(*, authority: Authority, period: ReportPeriod) -> pl.DataFrame:
    """Per team: its social workers' FTE and the children allocated to them at the end of
    the period (an involvement started on or before the last day and not ended by it),
    children per FTE, and the most children allocated to one social worker."""
    end = period.end
    workers = pl.DataFrame(
        list(
            Professional.objects.filter(
                authority=authority, role=ProfessionalRole.SOCIAL_WORKER, team__isnull=False
            ).values_list("pk", "team__ref", "fte")
        ),
        schema={"worker": pl.Int64, "team_ref": pl.String, "fte": pl.Float64},
        orient="row",
    )
    allocations = pl.DataFrame(
        list(
            Involvement.objects.filter(
                authority=authority,
                professional__role=ProfessionalRole.SOCIAL_WORKER,
                start_date__lte=end,
            )
            .filter(Q(end_date__isnull=True) | Q(end_date__gt=end))
            .values_list("professional_id", "child_id")
        ),
        schema={"worker": pl.Int64, "child": pl.Int64},
        orient="row",
    )
    allocated = allocations.join(workers.select("worker", "team_ref"), on="worker", how="inner")
    per_worker = allocated.group_by("worker").agg(pl.col("child").n_unique().alias("children"))
    teams = workers.group_by("team_ref").agg(
        pl.col("worker").len().alias("social_workers"),
        pl.col("fte").fill_null(1.0).sum().alias("social_worker_fte"),
    )
    children = allocated.group_by("team_ref").agg(pl.col("child").n_unique().alias("children"))
    highest = (
        per_worker.join(workers.select("worker", "team_ref"), on="worker")
        .group_by("team_ref")
        .agg(pl.col("children").max().alias("most_children"))
    )
    return (
        teams.join(children, on="team_ref", how="left")
        .join(highest, on="team_ref", how="left")
        .with_columns(pl.col("children", "most_children").fill_null(0))
        .with_columns(
            per_fte=pl.when(pl.col("social_worker_fte") > 0)
            .then(pl.col("children") / pl.col("social_worker_fte"))
            .otherwise(None)
        )
    )


def comparison_get(*, authority: Authority) -> Comparison:
    """The published statistics beside the authority (aggregates for areas, not children)."""
    return statistics_comparison(la_code=authority.code)


def reports_available(*, user) -> list[ReportSpec]:
    """The reports a user may have, in any version."""
    scope = user_scope(user)
    return [
        spec
        for spec in REPORTS.values()
        if scope.has_role(*spec.roles) or scope.has_role(*spec.aggregate_roles)
    ]
