"""Reads for the home page of each role (selectors): figures, exceptions, warnings, data gaps.

Each function takes the signed-in user and the query (the month, and the team,
category of abuse and age band where the page offers them), applies the user's
scope and returns what the page shows. Aggregates only, except where a list of
children is the point of the page (the reviewing officer's), which is logged.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.utils import timezone

from cpqa.accounts.models import AccessKind, AccessLogEntry, RoleAssignment, User
from cpqa.accounts.roles import Role
from cpqa.accounts.scope import Scope, user_scope
from cpqa.accounts.services import access_log_record
from cpqa.casework.models import Conference, ConferenceKind, Professional, ProfessionalRole
from cpqa.core.models import Authority
from cpqa.core.periods import Period, month_end
from cpqa.dataquality.selectors import (
    CompletenessSummary,
    FindingSummary,
    completeness_summary,
    finding_summary,
    run_is_stale,
    run_latest,
)
from cpqa.indicators.registry import Indicator, indicator_get
from cpqa.indicators.selectors import RecordsPage, indicator_records_list, standards_get
from cpqa.indicators.standards import RED, StandardInfo, Standards, StandardTerms
from cpqa.ingest.selectors import import_run_page
from cpqa.nationalstats.models import StatisticsRelease
from cpqa.nationalstats.selectors import statistics_comparison
from cpqa.reports.spc import Reading, SpcReading

from .filters import ChildFilter
from .measures import (
    CHAIR_INDICATORS,
    COUNCILLOR_INDICATORS,
    COUNCILLOR_QUESTIONS,
    SENIOR_INDICATORS,
    SIDE_BY_SIDE_INDICATORS,
    TEAM_INDICATORS,
    SeriesPoint,
    rag_status,
    series_reading,
    series_result,
    standard_terms,
)
from .selectors import (
    RECORD_TYPE_CONFERENCES,
    Series,
    TeamRef,
    WarningCount,
    WarningFilter,
    authority_of,
    cache_key,
    cached,
    combined_rows,
    data_as_at,
    series_from_rows,
    suppressed_rows,
    teams_sorted,
    teams_visible,
    trend_periods,
    trend_table,
    warning_counts,
    warning_rows,
    warnings_get,
)

STALE_AFTER_DAYS = 7
NO_TEAM = "Your account is not linked to a team yet. Ask your cpqa administrator to add you to one."
NO_CHAIR = (
    "Your account is not linked to a conference chair in the casework data: your name "
    "({name}) matches no professional recorded as a conference chair. Ask your cpqa "
    "administrator to set your first and last names as the casework records them. "
    "The authority's figures are shown."
)
COMPARISON_MEASURES = (
    "section47_rate",
    "icpc_rate",
    "icpc_within_15_days",
    "plans_rate",
    "repeat_plans",
    "plans_2_years_or_more",
)


@dataclass(frozen=True)
class DashboardQuery:
    month: date  # the first day of the month shown
    team: str = ""  # a team ref
    category: str = ""
    age_band: str = ""

    @property
    def period(self) -> Period:
        return Period(self.month, month_end(self.month))

    @property
    def child_filter(self) -> ChildFilter:
        return ChildFilter(on=month_end(self.month), category=self.category, age_band=self.age_band)


@dataclass
class FigureRow:
    """An indicator's figure for one team (or the authority) in the month shown."""

    series: Series
    point: SeriesPoint
    rag: str | None
    terms: StandardTerms | None
    info: StandardInfo | None
    reading: SpcReading

    @property
    def indicator(self) -> Indicator:
        return self.series.indicator

    @property
    def kind(self) -> str:
        return self.series.indicator.kind

    @property
    def concern(self) -> bool:
        return self.reading.reading == Reading.CONCERN

    @property
    def red(self) -> bool:
        return self.rag == RED


def figure_row(series: Series, standards: Standards, on: date) -> FigureRow:
    indicator = series.indicator
    points = series.points
    result = series_result(
        indicator,
        numerators=[p.numerator for p in points],
        denominators=[p.denominator for p in points],
        values=[None if p.suppressed else p.value for p in points],
        periods=[Period(p.period_start, p.period_end) for p in points],
    )
    point = points[-1]
    value = None if point.suppressed else point.value
    terms = next((t for _, t in standard_terms(indicator, standards, on) if t is not None), None)
    info = standards.info.get(indicator.standards[0]) if indicator.standards else None
    return FigureRow(
        series=series,
        point=point,
        rag=rag_status(indicator, value, standards, on),
        terms=terms,
        info=info,
        reading=series_reading(indicator, result),
    )


FigureMap = dict[tuple[str, str | None], FigureRow]


def figure_rows(figures: FigureMap, ids: tuple[str, ...], team_ref: str | None) -> list[FigureRow]:
    """The figures of these indicators for one team (None: the authority), in order."""
    return [figures[(i, team_ref)] for i in ids if (i, team_ref) in figures]


def _slim(row: FigureRow) -> FigureRow:
    """The row without its months (read once, for the trend): less to cache."""
    series = row.series
    row.series = Series(series.indicator, series.team_ref, series.team_name, [])
    return row


def figure_map(
    *,
    authority: Authority,
    query: "DashboardQuery",
    ids: tuple[str, ...],
    units: tuple[str | None, ...],
    standards: Standards,
    suppressed: bool = False,
    chair: str | None = None,
    child_filter: bool = True,
) -> FigureMap:
    """The month's figure of each indicator for each unit (a team ref, or None for the
    authority), with its status and the reading of its trend; cached by data version."""
    periods = trend_periods(month=query.month)
    wanted = query.child_filter if child_filter and not suppressed else None
    key = cache_key(
        authority=authority,
        parts=(
            "figures",
            ids,
            units,
            query.month,
            wanted.key() if wanted else (),
            suppressed,
            chair,
            standards.fingerprint(),
        ),
    )

    def build() -> FigureMap:
        if suppressed:
            rows = suppressed_rows(authority=authority, periods=periods, ids=ids)
        else:
            table = trend_table(
                authority=authority,
                start=periods[0].start,
                end=periods[-1].end,
                child_filter=wanted,
                chair=chair,
                ids=ids if chair else None,
            )
            rows = combined_rows(table, ids)
        series = series_from_rows(rows, periods=periods)
        on = query.period.end
        return {
            key: _slim(figure_row(each, standards, on))
            for key, each in series.items()
            if key[1] in units
        }

    return cached(key, build)


@dataclass
class HomeBase:
    role: str
    authority_name: str
    as_at: date
    today: date
    query: DashboardQuery | None
    child_level: bool
    suppress: bool = False

    @property
    def stale(self) -> bool:
        return (self.today - self.as_at) > timedelta(days=STALE_AFTER_DAYS)

    @property
    def days_behind(self) -> int:
        return (self.today - self.as_at).days

    @property
    def period(self) -> Period | None:
        return self.query.period if self.query else None


def _base(
    *, user, role: str, query: DashboardQuery | None, today: date
) -> tuple[Scope, Authority, HomeBase]:
    scope = user_scope(user)
    if role not in scope.roles:
        raise PermissionDenied
    authority = authority_of(scope)
    base = HomeBase(
        role=role,
        authority_name=authority.name,
        as_at=data_as_at(authority=authority, today=today),
        today=today,
        query=query,
        child_level=scope.child_level,
        suppress=not scope.child_level,
    )
    return scope, authority, base


def _unallocated_by_risk(warnings, teams: set[str] | None, wanted: WarningFilter) -> list:
    rows = warning_rows(warnings.lists["unallocated"], teams=teams, wanted=wanted)
    counts = Counter(rows.get_column("risk").fill_null("not recorded").to_list())
    return [(risk, counts.get(risk, 0)) for risk in ("high", "medium", "low", "not recorded")]


# --- Team manager, assistant team manager, social worker -------------------------------


@dataclass
class TeamHome(HomeBase):
    teams: list[TeamRef] = field(default_factory=list)
    team: TeamRef | None = None
    figures: list[FigureRow] = field(default_factory=list)
    authority: dict[str, FigureRow] = field(default_factory=dict)
    warnings: list[WarningCount] = field(default_factory=list)
    unallocated_risk: list = field(default_factory=list)
    completeness: CompletenessSummary | None = None
    findings: FindingSummary | None = None
    message: str = ""


def team_home(*, user, role: str, query: DashboardQuery, today: date) -> TeamHome:
    """A team's indicators against the standards, its due and overdue work and its data gaps."""
    scope, authority, base = _base(user=user, role=role, query=query, today=today)
    home = TeamHome(**vars(base))
    home.teams = teams_sorted(teams_visible(scope=scope))
    if scope.team_ids is not None and not home.teams:
        home.message = NO_TEAM
        return home
    by_ref = {team.ref: team for team in home.teams}
    home.team = by_ref.get(query.team) or (home.teams[0] if home.teams else None)
    standards = standards_get()
    team_ref = home.team.ref if home.team else None
    figures = figure_map(
        authority=authority,
        query=query,
        ids=TEAM_INDICATORS,
        units=(None, team_ref),
        standards=standards,
    )
    home.figures = figure_rows(figures, TEAM_INDICATORS, team_ref)
    home.authority = {row.indicator.id: row for row in figure_rows(figures, TEAM_INDICATORS, None)}
    warnings = warnings_get(authority=authority, as_at=base.as_at, standards=standards)
    wanted = WarningFilter(category=query.category, age_band=query.age_band)
    teams = {team_ref} if team_ref else None
    home.warnings = warning_counts(warnings=warnings, teams=teams, wanted=wanted)
    home.unallocated_risk = _unallocated_by_risk(warnings, teams, wanted)
    if role != Role.SOCIAL_WORKER:
        home.completeness = completeness_summary(
            scope=scope, team_id=home.team.pk if home.team else None
        )
        home.findings = finding_summary(scope=scope)
        if home.team:
            home.findings.teams = [t for t in home.findings.teams if t.team_id == home.team.pk]
    return home


# --- Operations manager: their teams side by side ---------------------------------------


@dataclass
class MatrixRow:
    indicator: Indicator
    authority: FigureRow | None
    cells: list[FigureRow | None]


@dataclass
class SideBySideHome(HomeBase):
    teams: list[TeamRef] = field(default_factory=list)
    linked: bool = False
    matrix: list[MatrixRow] = field(default_factory=list)
    warnings: list[WarningCount] = field(default_factory=list)
    figures: list[FigureRow] = field(default_factory=list)
    exceptions: list[FigureRow] = field(default_factory=list)
    comparison: object = None


def _matrix(figures: FigureMap, ids, teams: list[TeamRef]) -> list[MatrixRow]:
    return [
        MatrixRow(
            indicator=indicator_get(indicator_id),
            authority=figures[(indicator_id, None)],
            cells=[figures.get((indicator_id, team.ref)) for team in teams],
        )
        for indicator_id in ids
        if (indicator_id, None) in figures
    ]


def operations_home(*, user, query: DashboardQuery, today: date) -> SideBySideHome:
    """The operations manager's teams (every team if none is linked) side by side."""
    scope, authority, base = _base(
        user=user, role=Role.OPERATIONS_MANAGER, query=query, today=today
    )
    home = SideBySideHome(**vars(base))
    linked = list(user.teams.filter(authority=authority).values_list("pk", "ref", "name"))
    home.linked = bool(linked)
    teams = [TeamRef(*row) for row in linked] if linked else teams_visible(scope=scope)
    home.teams = teams_sorted(teams)
    standards = standards_get()
    figures = figure_map(
        authority=authority,
        query=query,
        ids=SIDE_BY_SIDE_INDICATORS,
        units=(None, *(team.ref for team in home.teams)),
        standards=standards,
    )
    home.matrix = _matrix(figures, SIDE_BY_SIDE_INDICATORS, home.teams)
    warnings = warnings_get(authority=authority, as_at=base.as_at, standards=standards)
    home.warnings = warning_counts(
        warnings=warnings,
        teams={team.ref for team in home.teams},
        wanted=WarningFilter(category=query.category, age_band=query.age_band),
    )
    return home


# --- Senior manager: the authority at a glance, exceptions first -------------------------


def senior_home(*, user, query: DashboardQuery, today: date) -> SideBySideHome:
    scope, authority, base = _base(user=user, role=Role.SENIOR_MANAGER, query=query, today=today)
    home = SideBySideHome(**vars(base))
    home.teams = teams_sorted(teams_visible(scope=scope))
    standards = standards_get()
    figures = figure_map(
        authority=authority,
        query=query,
        ids=SENIOR_INDICATORS,
        units=(None, *(team.ref for team in home.teams)),
        standards=standards,
    )
    home.figures = figure_rows(figures, SENIOR_INDICATORS, None)
    by_team = [
        row
        for team in home.teams
        for row in figure_rows(figures, SIDE_BY_SIDE_INDICATORS, team.ref)
    ]
    every = [*home.figures, *by_team]
    home.exceptions = sorted(
        (row for row in every if row.concern or row.red),
        key=lambda row: (not (row.concern and row.red), row.series.team_ref is not None),
    )
    warnings = warnings_get(authority=authority, as_at=base.as_at, standards=standards)
    home.warnings = warning_counts(
        warnings=warnings,
        teams=None,
        wanted=WarningFilter(category=query.category, age_band=query.age_band),
    )
    home.comparison = _comparison(authority)
    return home


@dataclass(frozen=True)
class PublishedRow:
    """The latest published year of one measure, beside England, the region and neighbours."""

    label: str
    unit: str
    year: int
    authority: str
    england: str
    region: str
    neighbours: str


@dataclass(frozen=True)
class PublishedComparison:
    authority_name: str  # empty when the authority is not in the DfE files
    region_name: str
    rows: tuple[PublishedRow, ...]
    message: str


NOT_PUBLISHED = "not published"


def _figure_text(figure) -> str:
    if figure is None:
        return NOT_PUBLISHED
    if figure.available:
        return f"{figure.value:,.1f}"
    return figure.reason or NOT_PUBLISHED


def _comparison(authority: Authority) -> PublishedComparison:
    """The published comparisons (cpqa.nationalstats): the latest year of each measure,
    cached until a release is imported."""
    releases = StatisticsRelease.objects.aggregate(n=Count("pk"), last=Max("imported_at"))
    used = (authority.code, settings.CPQA_COMPARATOR_CODE, COMPARISON_MEASURES)
    key = cache_key(
        authority=authority, parts=("comparison", releases["n"], releases["last"], used)
    )

    def build() -> PublishedComparison:
        comparison = statistics_comparison(
            la_code=authority.code, measures=list(COMPARISON_MEASURES)
        )
        rows = []
        for item in comparison.measures:
            year = item.latest
            if year is None:
                continue
            rows.append(
                PublishedRow(
                    label=item.measure.label,
                    unit=item.measure.unit,
                    year=year.year,
                    authority=_figure_text(year.authority),
                    england=_figure_text(year.england),
                    region=_figure_text(year.region),
                    neighbours=_figure_text(year.neighbours_mean),
                )
            )
        return PublishedComparison(
            authority_name=comparison.la_name if comparison.in_files else "",
            region_name=comparison.region_name,
            rows=tuple(rows),
            message=comparison.message,
        )

    return cached(key, build)


# --- Councillor: the members' summary, aggregates only ----------------------------------


@dataclass
class CouncillorFigure:
    row: FigureRow
    question: str


@dataclass
class CouncillorHome(HomeBase):
    figures: list[CouncillorFigure] = field(default_factory=list)
    warnings: list[WarningCount] = field(default_factory=list)
    comparison: object = None


def councillor_home(*, user, query: DashboardQuery, today: date) -> CouncillorHome:
    """The authority's figures with small numbers suppressed; never a child, never a team's
    child-level record."""
    _scope, authority, base = _base(user=user, role=Role.COUNCILLOR, query=query, today=today)
    home = CouncillorHome(**vars(base))
    standards = standards_get()
    figures = figure_map(
        authority=authority,
        query=query,
        ids=COUNCILLOR_INDICATORS,
        units=(None,),
        standards=standards,
        suppressed=True,
    )
    home.figures = [
        CouncillorFigure(row=row, question=COUNCILLOR_QUESTIONS.get(row.indicator.id, ""))
        for row in figure_rows(figures, COUNCILLOR_INDICATORS, None)
    ]
    warnings = warnings_get(authority=authority, as_at=base.as_at, standards=standards)
    home.warnings = warning_counts(warnings=warnings, teams=None)
    home.comparison = _comparison(authority)
    return home


# --- Conference chair ---------------------------------------------------------------------


@dataclass
class ChairRow:
    indicator: Indicator
    own: FigureRow | None
    authority: FigureRow | None


@dataclass
class ChairHome(HomeBase):
    chair: Professional | None = None
    message: str = ""
    rows: list[ChairRow] = field(default_factory=list)
    held: list[tuple[str, int]] = field(default_factory=list)  # (kind label, conferences held)
    held_total: int = 0


def chair_for_user(*, user, authority: Authority) -> Professional | None:
    """The professional recorded as a conference chair whose name is the user's full name.

    How a chair's account is linked to the casework: by name, as the casework
    records it (Professional.name), matched without regard to case or spaces at
    either end. Several matches: the first by ref.
    """
    name = user.get_full_name().strip()
    if not name:
        return None
    return (
        Professional.objects.filter(
            authority=authority, role=ProfessionalRole.CONFERENCE_CHAIR, name__iexact=name
        )
        .order_by("ref")
        .first()
    )


def chair_home(*, user, query: DashboardQuery, today: date) -> ChairHome:
    """The chair's conferences in the month and the authority's, side by side."""
    _scope, authority, base = _base(user=user, role=Role.CONFERENCE_CHAIR, query=query, today=today)
    home = ChairHome(**vars(base))
    home.chair = chair_for_user(user=user, authority=authority)
    if home.chair is None:
        home.message = NO_CHAIR.format(name=user.get_full_name().strip() or user.get_username())
    standards = standards_get()
    everyone = figure_map(
        authority=authority,
        query=query,
        ids=CHAIR_INDICATORS,
        units=(None,),
        standards=standards,
        child_filter=False,
    )
    own: FigureMap = {}
    if home.chair is not None:
        own = figure_map(
            authority=authority,
            query=query,
            ids=CHAIR_INDICATORS,
            units=(None,),
            standards=standards,
            chair=home.chair.ref,
            child_filter=False,
        )
        held = (
            Conference.objects.filter(
                authority=authority,
                chair=home.chair,
                date_held__gte=query.period.start,
                date_held__lte=query.period.end,
            )
            .values("kind")
            .annotate(n=Count("pk"))
        )
        counts = {row["kind"]: row["n"] for row in held}
        home.held = [(label, counts.get(kind, 0)) for kind, label in ConferenceKind.choices]
        home.held_total = sum(counts.values())
    home.rows = [
        ChairRow(
            indicator=indicator_get(indicator_id),
            own=own.get((indicator_id, None)),
            authority=everyone.get((indicator_id, None)),
        )
        for indicator_id in CHAIR_INDICATORS
    ]
    return home


def chair_conferences(
    *, user, period: Period, via: str, offset: int = 0, limit: int = 50
) -> tuple[Professional | None, list[Conference], int]:
    """The conferences the user chaired in the period, a page of them; logged."""
    scope = user_scope(user)
    if not scope.has_role(Role.CONFERENCE_CHAIR):
        raise PermissionDenied
    authority = authority_of(scope)
    chair = chair_for_user(user=user, authority=authority)
    if chair is None:
        return None, [], 0
    conferences = (
        Conference.objects.filter(
            authority=authority,
            chair=chair,
            date_held__gte=period.start,
            date_held__lte=period.end,
        )
        .select_related("child", "team")
        .order_by("date_held", "ref")
    )
    total = conferences.count()
    page = list(conferences[offset : offset + limit])
    if page:
        access_log_record(
            user=user,
            kind=AccessKind.PAGE,
            via=via,
            record_type=RECORD_TYPE_CONFERENCES,
            child_refs=[conference.child.ref for conference in page],
        )
    return chair, page, total


# --- Audit staff and data officer ------------------------------------------------------------


@dataclass
class DataHome(HomeBase):
    completeness: CompletenessSummary | None = None
    findings: FindingSummary | None = None
    runs: list = field(default_factory=list)
    validation_run: object = None
    validation_stale: bool = False


def audit_home(*, user, role: str, today: date) -> DataHome:
    """Completeness and validation by team."""
    scope, _authority, base = _base(user=user, role=role, query=None, today=today)
    home = DataHome(**vars(base))
    home.completeness = completeness_summary(scope=scope)
    home.findings = finding_summary(scope=scope)
    return home


def data_officer_home(*, user, today: date) -> DataHome:
    """The latest imports, and the state of validation and completeness."""
    scope, authority, base = _base(user=user, role=Role.DATA_OFFICER, query=None, today=today)
    home = DataHome(**vars(base))
    home.runs = list(import_run_page(authority_id=authority.pk, page=1, per_page=10).object_list)
    home.validation_run = run_latest(authority_id=authority.pk)
    home.validation_stale = run_is_stale(run=home.validation_run)
    home.findings = finding_summary(scope=scope)
    home.completeness = completeness_summary(scope=scope)
    return home


# --- Reviewing officer ---------------------------------------------------------------------------


@dataclass
class ReviewingHome(HomeBase):
    figure: FigureRow | None = None
    teams: list[FigureRow] = field(default_factory=list)
    records: RecordsPage | None = None


def reviewing_home(*, user, query: DashboardQuery, today: date, via: str) -> ReviewingHome:
    """Children both looked after and on a plan: the count, its trend, and who they are (logged)."""
    scope, authority, base = _base(user=user, role=Role.REVIEWING_OFFICER, query=query, today=today)
    home = ReviewingHome(**vars(base))
    ids = ("cpp_and_looked_after",)
    standards = standards_get()
    teams = teams_sorted(teams_visible(scope=scope))
    figures = figure_map(
        authority=authority,
        query=DashboardQuery(month=query.month),
        ids=ids,
        units=(None, *(team.ref for team in teams)),
        standards=standards,
    )
    home.figure = figures.get((ids[0], None))
    home.teams = [figures[(ids[0], t.ref)] for t in teams if (ids[0], t.ref) in figures]
    home.records = indicator_records_list(
        user=user,
        indicator_id=ids[0],
        period=query.period,
        team=None,
        part="numerator",
        via=via,
    )
    return home


# --- Administrator -------------------------------------------------------------------------------


@dataclass
class AdministratorHome(HomeBase):
    users: int = 0
    active: int = 0
    without_role: int = 0
    by_role: list[tuple[str, int]] = field(default_factory=list)
    reads_last_week: int = 0


def administrator_home(*, user, today: date) -> AdministratorHome:
    """Users and roles, and how much the access log has recorded: no child data."""
    _scope, authority, base = _base(user=user, role=Role.ADMINISTRATOR, query=None, today=today)
    home = AdministratorHome(**vars(base))
    users = User.objects.filter(authority=authority)
    totals = users.aggregate(
        users=Count("pk", distinct=True),
        active=Count("pk", distinct=True, filter=Q(is_active=True)),
        without_role=Count("pk", distinct=True, filter=Q(role_assignments__isnull=True)),
    )
    home.users, home.active, home.without_role = (
        totals["users"],
        totals["active"],
        totals["without_role"],
    )
    counts = dict(
        RoleAssignment.objects.filter(user__authority=authority, user__is_active=True)
        .values_list("role")
        .annotate(n=Count("pk"))
    )
    home.by_role = [(role.label, counts.get(role.value, 0)) for role in Role]
    home.reads_last_week = AccessLogEntry.objects.filter(
        authority_id=authority.pk, at__gte=timezone.now() - timedelta(days=7)
    ).count()
    return home
