"""Reads for the dashboards: the frames, the figures by month and the early warnings.

Everything worked out from the casework is cached in the "indicators" cache,
keyed by the authority's data version (raised by every import), the standards'
terms and the query, so that a page with a warm cache reads its figures back
instead of working them out. The cached results are for the whole authority;
scoping by role, and suppression for councillors, are applied when they are
read, never stored in their place.

Figures (aggregates) are not logged. The early-warning lists and the drill-down
name children: they are for roles that may see those children (team roles only
their teams' children, by the child's current team, as for the child's record),
and every list shown is written to the access log.
"""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import polars as pl
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db.models import Max

from cpqa.accounts.models import AccessKind
from cpqa.accounts.roles import Role
from cpqa.accounts.scope import Scope, user_scope
from cpqa.accounts.services import access_log_record
from cpqa.casework.models import CINEpisode, Conference, ProtectionPlan, Section47, Team, Visit
from cpqa.core.models import Authority, DataVersion
from cpqa.core.periods import Period, add_months, month_end, periods_between
from cpqa.dataquality.selectors import check_frame
from cpqa.indicators.engine import Part, columns_needed, indicator_records, indicators_compute
from cpqa.indicators.registry import Indicator, indicator_get, indicators
from cpqa.indicators.selectors import (
    IndicatorQuery,
    RecordsPage,
    indicator_context,
    indicator_records_page,
    indicator_rows,
    indicator_table,
    standards_get,
)
from cpqa.indicators.standards import Standards

from .filters import ChildFilter, children_matching, frames_for_chair, frames_for_children
from .measures import SeriesPoint
from .warnings import WARNING_KINDS_BY_SLUG, Warnings, warnings_compute

CACHE_VERSION = "1"  # raise when the shape of anything cached here changes
TREND_MONTHS = 24
NO_AUTHORITY = "Your account belongs to no authority."
NOT_YOUR_TEAM = "You can only see the work of your own teams."
RECORD_TYPE_WARNINGS = "early warnings"
RECORD_TYPE_CONFERENCES = "conferences chaired"

# The columns the filters and the warnings read, besides those the indicators read.
EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {
    "team": ("ref", "name"),
    "child": ("ref", "date_of_birth", "expected_date_of_birth", "team"),
    "protection_plan": (
        "ref",
        "child",
        "start_date",
        "end_date",
        "initial_category",
        "latest_category",
        "team",
    ),
    "visit": ("ref", "plan", "child", "date", "seen", "seen_alone"),
    "conference": (
        "ref",
        "child",
        "kind",
        "section47",
        "plan",
        "date_held",
        "target_date",
        "decision_published",
        "minutes_published",
        "chair",
        "quorate",
        "team",
    ),
    "core_group_meeting": ("ref", "plan", "date"),
    "section47": (
        "ref",
        "child",
        "start_date",
        "end_date",
        "outcome",
        "icpc_target_date",
        "icpc_not_required",
        "team",
    ),
    "unallocated_episode": (
        "ref",
        "child",
        "team",
        "from_date",
        "to_date",
        "risk",
        "decision_review_date",
    ),
}
# The days that show how far the data goes (as cpqa.dataquality.engine.ACTIVITY_DATES).
ACTIVITY_DATES = (
    (CINEpisode, "referral_date"),
    (Section47, "start_date"),
    (ProtectionPlan, "start_date"),
    (ProtectionPlan, "end_date"),
    (Conference, "date_held"),
    (Visit, "date"),
)


def _cache():
    return caches["indicators" if "indicators" in settings.CACHES else "default"]


def _data_version(authority: Authority) -> tuple | None:
    return (
        DataVersion.objects.filter(authority=authority).values_list("version", "changed_at").first()
    )


@cache
def indicator_of(indicator_id: str) -> Indicator:
    """The registered indicator (looked up once per id in a process)."""
    return indicator_get(indicator_id)


def cache_key(*, authority: Authority, parts: tuple, version: tuple | None = None) -> str:
    """A key that changes with the authority's data version and the parts given."""
    version = version if version is not None else _data_version(authority)
    text = repr((CACHE_VERSION, authority.pk, version, parts))
    return "cpqa-dashboards-" + hashlib.sha256(text.encode()).hexdigest()


def cached(key: str, build):
    cache = _cache()
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value)
    return value


def authority_of(scope: Scope) -> Authority:
    authority = Authority.objects.filter(pk=scope.authority_id).first()
    if authority is None:
        raise PermissionDenied(NO_AUTHORITY)
    return authority


# --- Frames -----------------------------------------------------------------------------


@cache
def frame_columns() -> dict[str, tuple[str, ...]]:
    """Per fact table, the columns that the indicators, the filters and the warnings read."""
    needed: dict[str, set[str]] = {name: set(cols) for name, cols in columns_needed().items()}
    for name, cols in EXTRA_COLUMNS.items():
        needed.setdefault(name, set()).update(cols)
    return {name: tuple(sorted(cols)) for name, cols in sorted(needed.items())}


_FRAMES: dict[tuple, dict[str, pl.DataFrame]] = {}


def frames_get(*, authority: Authority, version: tuple | None = None) -> dict[str, pl.DataFrame]:
    """The authority's canonical frames (the columns of frame_columns), kept in this process
    for the current data version only. Not child-level output in itself."""
    version = version if version is not None else _data_version(authority)
    key = (authority.pk, version)
    frames = _FRAMES.get(key)
    if frames is None:
        frames = {
            name: check_frame(authority=authority, table=name, columns=columns)
            for name, columns in frame_columns().items()
        }
        _FRAMES.clear()
        _FRAMES[key] = frames
    return frames


# --- The day the data stands at, and the default period ---------------------------------


def data_as_at(*, authority: Authority, today: date) -> date:
    """The day the data stands at: its latest activity date up to today (else today)."""

    def build() -> date:
        latest = None
        for model, column in ACTIVITY_DATES:
            value = model.objects.filter(
                authority=authority, **{f"{column}__lte": today}
            ).aggregate(latest=Max(column))["latest"]
            if value is not None and (latest is None or value > latest):
                latest = value
        return latest or today

    return cached(cache_key(authority=authority, parts=("as_at", today)), build)


def default_month(*, as_at: date, today: date) -> date:
    """The first day of the latest complete month: the month before today's, but no later
    than the month the data stands at (so stale data does not show an empty month)."""
    before_today = add_months(date(today.year, today.month, 1), -1)
    return min(before_today, date(as_at.year, as_at.month, 1))


def month_choices(*, latest: date, count: int = 60) -> list[tuple[str, str]]:
    """(YYYY-MM, "Oct 2026") for the latest month and the ones before it, newest first."""
    months = [add_months(latest, -offset) for offset in range(count)]
    return [(month.strftime("%Y-%m"), month.strftime("%b %Y")) for month in months]


# --- Teams ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamRef:
    pk: int
    ref: str
    name: str


def teams_visible(*, scope: Scope) -> list[TeamRef]:
    """The teams whose figures the scope may see: a team role its own; others every team."""
    teams = Team.objects.filter(authority_id=scope.authority_id)
    if scope.child_level and scope.team_ids is not None:
        teams = teams.filter(pk__in=scope.team_ids)
    elif not scope.child_level and not scope.has_role(Role.COUNCILLOR):
        return []
    return [TeamRef(pk, ref, name) for pk, ref, name in teams.values_list("pk", "ref", "name")]


def teams_sorted(teams: Iterable[TeamRef]) -> list[TeamRef]:
    return sorted(teams, key=lambda team: (team.name, team.ref))


# --- Figures by month --------------------------------------------------------------------


def trend_periods(*, month: date, months: int = TREND_MONTHS) -> list[Period]:
    start = add_months(month, -(months - 1))
    return periods_between(start, month_end(month), "month")


def _filtered_ids(child_filter: ChildFilter | None, ids: Sequence[str] | None) -> list[str]:
    """With a child filter, rates per 10,000 children are left out: the population they
    divide by is the whole authority's."""
    chosen = list(ids) if ids is not None else [i.id for i in indicators()]
    if child_filter is not None and child_filter.active:
        chosen = [i for i in chosen if indicator_get(i).kind != "rate"]
    return chosen


def trend_table(
    *,
    authority: Authority,
    start: date,
    end: date,
    child_filter: ChildFilter | None = None,
    chair: str | None = None,
    ids: Sequence[str] | None = None,
) -> pl.DataFrame:
    """The indicators by month for the authority and every team, unsuppressed; cached.

    With no filter, the indicators app's own table. With a filter (children of a
    category or age band, or the conferences of one chair), the same indicators
    computed on the filtered frames.
    """
    filtered = (child_filter is not None and child_filter.active) or chair is not None
    if not filtered:
        return indicator_table(authority=authority, start=start, end=end, by="month")
    context = indicator_context(authority=authority, periods=periods_between(start, end, "month"))
    chosen = _filtered_ids(child_filter, ids)
    version = _data_version(authority)
    key = cache_key(
        authority=authority,
        version=version,
        parts=(
            "trend",
            start,
            end,
            child_filter.key() if child_filter else (),
            chair,
            tuple(chosen),
            context.region,
            context.child_population,
            context.standards.fingerprint(),
        ),
    )

    def build() -> pl.DataFrame:
        frames = frames_get(authority=authority, version=version)
        if child_filter is not None and child_filter.active:
            frames = frames_for_children(frames, children_matching(frames, child_filter))
        if chair is not None:
            frames = frames_for_chair(frames, chair)
        return indicators_compute(frames, context, chosen)

    return cached(key, build)


def combined_rows(table: pl.DataFrame, ids: Sequence[str]) -> pl.DataFrame:
    """The rows of these indicators; for an indicator with a breakdown (not shares), the
    breakdown values added up into one row with no breakdown, as the whole of it."""
    wanted = [indicator_of(i) for i in ids]
    plain = [i.id for i in wanted if not i.breakdown_values]
    summed = [i for i in wanted if i.breakdown_values and not i.breakdown_shares]
    frame = table.with_columns(pl.col("indicator", "team_ref", "team", "breakdown").cast(pl.String))
    parts = [frame.filter(pl.col("indicator").is_in(plain))]
    for indicator in summed:
        totals = (
            frame.filter(pl.col("indicator") == indicator.id)
            .group_by("indicator", "period_start", "period_end", "team_ref", "team")
            .agg(pl.col("numerator").sum(), pl.col("denominator").sum())
        )
        scale = 100.0 if indicator.kind == "percentage" else 1.0
        if indicator.kind == "count":
            value = pl.col("numerator").cast(pl.Float64)
            totals = totals.with_columns(pl.lit(None, pl.Int64).alias("denominator"))
        else:
            value = pl.when(pl.col("denominator") > 0).then(
                pl.col("numerator") / pl.col("denominator") * scale
            )
        parts.append(
            totals.with_columns(breakdown=pl.lit(None, pl.String), value=value).select(
                frame.columns
            )
        )
    return pl.concat(parts, how="vertical_relaxed")


@dataclass
class Series:
    """One indicator's months for one team (team_ref None: the whole authority)."""

    indicator: Indicator
    team_ref: str | None
    team_name: str
    points: list[SeriesPoint]

    @property
    def latest(self) -> SeriesPoint | None:
        return self.points[-1] if self.points else None


def series_from_rows(
    rows: pl.DataFrame, *, periods: Sequence[Period], breakdown: str | None = None
) -> dict[tuple[str, str | None], Series]:
    """Series keyed by (indicator, team_ref), one point per period (missing months empty).

    `rows` has the columns of the engine's rows (text, not categorical), and may have
    `suppressed` and `small`.
    """
    selected = rows.filter(
        pl.col("breakdown").is_null() if breakdown is None else pl.col("breakdown") == breakdown
    )
    position = {period.start: index for index, period in enumerate(periods)}
    empty = [SeriesPoint(p.start, p.end, None, None, None) for p in periods]
    result: dict[tuple[str, str | None], Series] = {}
    has_flags = "suppressed" in selected.columns
    columns = ["indicator", "team_ref", "team", "period_start", "period_end", "numerator"]
    columns += ["denominator", "value", *(["suppressed", "small"] if has_flags else [])]
    # Aggregates: at most indicators x teams x months rows, not a row per child.
    for row in selected.select(columns).iter_rows():
        indicator_id, team_ref, team_name, start, end, numerator, denominator, value = row[:8]
        index = position.get(start)
        if index is None:
            continue
        key = (indicator_id, team_ref)
        series = result.get(key)
        if series is None:
            series = Series(
                indicator=indicator_of(indicator_id),
                team_ref=team_ref,
                team_name=team_name or "",
                points=list(empty),
            )
            result[key] = series
        series.points[index] = SeriesPoint(
            period_start=start,
            period_end=end,
            numerator=numerator,
            denominator=denominator,
            value=value,
            suppressed=bool(row[8]) if has_flags else False,
            small=bool(row[9]) if has_flags else False,
        )
    return result


def suppressed_rows(
    *, authority: Authority, periods: Sequence[Period], ids: Sequence[str]
) -> pl.DataFrame:
    """The months of these indicators for the authority and every team with small numbers
    suppressed (by the indicators app's suppression), and `small` where a withheld figure
    is itself from 1 to 4; cached. What a councillor sees, whatever their other roles."""
    start, end = periods[0].start, periods[-1].end
    key = cache_key(
        authority=authority,
        parts=("suppressed", start, end, tuple(ids), standards_get().fingerprint()),
    )
    return cached(key, lambda: _suppressed_rows(authority=authority, start=start, end=end, ids=ids))


def _suppressed_rows(
    *, authority: Authority, start: date, end: date, ids: Sequence[str]
) -> pl.DataFrame:
    rows = indicator_rows(
        authority=authority,
        query=IndicatorQuery(start=start, end=end, by="month", indicators=tuple(ids)),
        suppress=True,
        all_teams=True,
    )
    refs = dict(Team.objects.filter(authority=authority).values_list("name", "ref"))
    schema = {
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
    }
    frame = pl.DataFrame(
        {
            "indicator": [row["indicator"] for row in rows],
            "period_start": [date.fromisoformat(row["period_start"]) for row in rows],
            "period_end": [date.fromisoformat(row["period_end"]) for row in rows],
            "team_ref": [refs.get(row["team"]) if row["team"] else None for row in rows],
            "team": [row["team"] for row in rows],
            "breakdown": [row["breakdown"] for row in rows],
            "numerator": [row["numerator"] for row in rows],
            "denominator": [row["denominator"] for row in rows],
            "value": [row["value"] for row in rows],
            "suppressed": [row["suppressed"] for row in rows],
        },
        schema=schema,
    )
    # Which withheld figures are themselves small (shown as "fewer than 5", as the
    # indicators app does): worked out from the unsuppressed figures.
    full = indicator_table(authority=authority, start=start, end=end, by="month")
    kinds = {i: indicator_of(i).kind for i in ids}
    count_like = [i for i, kind in kinds.items() if kind in ("count", "percentage", "rate")]
    share_like = [i for i, kind in kinds.items() if kind in ("percentage", "mean")]
    smalls = (
        full.with_columns(pl.col("indicator", "team_ref", "breakdown").cast(pl.String))
        .filter(pl.col("indicator").is_in(list(ids)))
        .select(
            "indicator",
            "period_start",
            "team_ref",
            "breakdown",
            small=(pl.col("indicator").is_in(count_like) & pl.col("numerator").is_between(1, 4))
            | (pl.col("indicator").is_in(share_like) & pl.col("denominator").is_between(1, 4)),
        )
    )
    keys = ["indicator", "period_start", "team_ref", "breakdown"]
    return frame.join(smalls, on=keys, how="left", nulls_equal=True).with_columns(
        small=pl.col("small").fill_null(False) & pl.col("suppressed")
    )


# --- Early warnings -----------------------------------------------------------------------


def warnings_get(*, authority: Authority, as_at: date, standards: Standards) -> Warnings:
    """Every early-warning list as at the day, for the whole authority; cached."""
    version = _data_version(authority)
    key = cache_key(
        authority=authority,
        version=version,
        parts=("warnings", as_at, authority.nation, standards.fingerprint()),
    )

    def build() -> Warnings:
        frames = frames_get(authority=authority, version=version)
        return warnings_compute(frames, as_at=as_at, standards=standards, region=authority.nation)

    return cached(key, build)


@dataclass(frozen=True)
class WarningFilter:
    team: str = ""  # a team ref
    category: str = ""
    age_band: str = ""


def _scope_team_refs(*, scope: Scope, authority: Authority) -> set[str] | None:
    """The refs of the teams whose children the scope may see (None: every team)."""
    if not scope.child_level:
        return set()
    if scope.team_ids is None:
        return None
    return set(
        Team.objects.filter(authority=authority, pk__in=scope.team_ids).values_list(
            "ref", flat=True
        )
    )


def warning_rows(
    frame: pl.DataFrame, *, teams: set[str] | None, wanted: WarningFilter
) -> pl.DataFrame:
    if teams is not None:
        frame = frame.filter(pl.col("team").is_in(list(teams)))
    if wanted.team:
        frame = frame.filter(pl.col("team") == wanted.team)
    if wanted.category:
        frame = frame.filter(pl.col("category") == wanted.category)
    if wanted.age_band:
        frame = frame.filter(pl.col("age_band") == wanted.age_band)
    return frame


@dataclass
class WarningCount:
    slug: str
    title: str
    total: int
    overdue: int
    by_team: dict[str | None, tuple[int, int]] = field(default_factory=dict)  # (total, overdue)
    summary: str = ""

    @property
    def due_soon(self) -> int:
        return self.total - self.overdue


def warning_counts(
    *,
    warnings: Warnings,
    teams: set[str] | None,
    wanted: WarningFilter = WarningFilter(),
) -> list[WarningCount]:
    """How many of each list (and how many overdue), overall and by the child's team.

    teams: the refs of the teams counted (None: every child). Aggregates: not logged.
    """
    counts = []
    for slug, frame in warnings.lists.items():
        rows = warning_rows(frame, teams=teams, wanted=wanted)
        by_team = {
            team: (total, overdue)
            for team, total, overdue in rows.group_by("team")
            .agg(total=pl.len(), overdue=pl.col("overdue").sum())
            .iter_rows()
        }
        counts.append(
            WarningCount(
                slug=slug,
                title=WARNING_KINDS_BY_SLUG[slug].title,
                summary=WARNING_KINDS_BY_SLUG[slug].summary,
                total=rows.height,
                overdue=int(rows.get_column("overdue").sum()),
                by_team=by_team,
            )
        )
    return counts


@dataclass
class WarningPage:
    slug: str
    as_at: date
    rows: list[dict]
    total: int
    overdue: int
    offset: int
    missing_standards: list[str]


def warning_list(
    *,
    user,
    slug: str,
    wanted: WarningFilter,
    via: str,
    offset: int = 0,
    limit: int = 50,
    today: date,
) -> WarningPage:
    """A page of one early-warning list, as the user may see it; logged."""
    scope = user_scope(user)
    if not scope.child_level:
        raise PermissionDenied
    kind = WARNING_KINDS_BY_SLUG[slug]
    authority = authority_of(scope)
    teams = _scope_team_refs(scope=scope, authority=authority)
    if wanted.team and teams is not None and wanted.team not in teams:
        raise PermissionDenied(NOT_YOUR_TEAM)
    as_at = data_as_at(authority=authority, today=today)
    warnings = warnings_get(authority=authority, as_at=as_at, standards=standards_get())
    rows = warning_rows(warnings.lists[slug], teams=teams, wanted=wanted)
    page = rows.slice(offset, limit)
    names = dict(Team.objects.filter(authority=authority).values_list("ref", "name"))
    shown = [
        {
            **row,
            "team_name": names.get(row["team"], row["team"]) if row["team"] else None,
            "cells": [row[name] for name, _ in kind.columns],
        }
        for row in page.to_dicts()
    ]
    if shown:
        access_log_record(
            user=user,
            kind=AccessKind.PAGE,
            via=via,
            record_type=RECORD_TYPE_WARNINGS,
            child_refs=[row["child"] for row in shown if row["child"]],
        )
    return WarningPage(
        slug=slug,
        as_at=as_at,
        rows=shown,
        total=rows.height,
        overdue=int(rows.get_column("overdue").sum()),
        offset=offset,
        missing_standards=warnings.missing_standards.get(slug, []),
    )


# --- The drill-down of a filtered figure ----------------------------------------------------


def filtered_records_list(
    *,
    user,
    indicator_id: str,
    period: Period,
    team: str | None,
    part: Part,
    child_filter: ChildFilter,
    breakdown: str | None = None,
    via: str,
    offset: int = 0,
    limit: int = 200,
) -> RecordsPage:
    """The records behind a figure of children of a category or age band; logged.

    As cpqa.indicators.selectors.indicator_records_list (which the figures with no
    such filter link to), on the frames of the children who match the filter.
    """
    scope = user_scope(user)
    if not scope.child_level:
        raise PermissionDenied
    authority = authority_of(scope)
    indicator = indicator_get(indicator_id)
    allowed = _scope_team_refs(scope=scope, authority=authority)
    team_ref = None
    if team:
        team_ref = (
            Team.objects.filter(authority=authority, ref=team).values_list("ref", flat=True).first()
        )
        if team_ref is None or (allowed is not None and team_ref not in allowed):
            raise PermissionDenied(NOT_YOUR_TEAM)
    context = indicator_context(authority=authority, periods=[period])
    version = _data_version(authority)
    key = cache_key(
        authority=authority,
        version=version,
        parts=(
            "records",
            indicator.id,
            period,
            team_ref,
            part,
            breakdown,
            child_filter.key(),
            context.standards.fingerprint(),
        ),
    )

    def build() -> pl.DataFrame:
        frames = frames_get(authority=authority, version=version)
        frames = frames_for_children(frames, children_matching(frames, child_filter))
        return indicator_records(
            indicator, frames, context, team_ref=team_ref, part=part, breakdown=breakdown
        )

    records = cached(key, build)
    visible = None
    if allowed is not None:
        frames = frames_get(authority=authority, version=version)
        visible = frames["child"].filter(pl.col("team").is_in(list(allowed))).get_column("ref")
    team_label = None
    if team_ref:
        team_label = Team.objects.filter(authority=authority, ref=team_ref).values_list(
            "name", flat=True
        )[0]
    return indicator_records_page(
        user=user,
        authority=authority,
        indicator=indicator,
        records=records,
        visible_children=visible,
        allowed_teams=allowed,
        period=period,
        team_label=team_label,
        part=part,
        breakdown=breakdown,
        via=via,
        offset=offset,
        limit=limit,
    )


@dataclass
class FilterOptions:
    """What the filters offer a user: the months, the default one, and the teams."""

    as_at: date
    default_month: date
    months: list[tuple[str, str]]
    teams: list[TeamRef]


def filter_options(*, user, today: date) -> FilterOptions:
    scope = user_scope(user)
    authority = authority_of(scope)
    as_at = data_as_at(authority=authority, today=today)
    latest = default_month(as_at=as_at, today=today)
    return FilterOptions(
        as_at=as_at,
        default_month=latest,
        months=month_choices(latest=latest),
        teams=teams_sorted(teams_visible(scope=scope)),
    )


def warning_counts_for_user(*, user, wanted: WarningFilter, today: date) -> list[WarningCount]:
    """How many of each early-warning list the user may see (aggregates: not logged)."""
    scope = user_scope(user)
    if not scope.child_level:
        raise PermissionDenied
    authority = authority_of(scope)
    teams = _scope_team_refs(scope=scope, authority=authority)
    if wanted.team and teams is not None and wanted.team not in teams:
        raise PermissionDenied(NOT_YOUR_TEAM)
    as_at = data_as_at(authority=authority, today=today)
    warnings = warnings_get(authority=authority, as_at=as_at, standards=standards_get())
    return warning_counts(warnings=warnings, teams=teams, wanted=wanted)
