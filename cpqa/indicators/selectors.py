"""Reads for the indicators: the standards, the results (cached) and the drill-down.

Results are computed from the canonical frames of the database for every
indicator, period and team at once, and cached in the "indicators" cache keyed
by the authority, its data version (raised by every import), the standards'
terms, the child population and the request (dates and grouping). Scoping by
role and suppression for councillors are applied to the cached results, never
stored in place of them. The drill-down lists child-level records: it is for
roles that may see those children, and every view is written to the access log.
"""

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import PermissionDenied

from cpqa.accounts.models import AccessKind
from cpqa.accounts.roles import Role
from cpqa.accounts.scope import Scope, user_scope
from cpqa.accounts.services import access_log_record
from cpqa.casework.models import Child, Team
from cpqa.casework.selectors import fact_frames
from cpqa.core.models import Authority, DataVersion
from cpqa.core.periods import Grouping, Period, add_months, month_end, periods_between

from .context import Context
from .engine import Part, indicator_records, indicators_compute
from .models import Standard, StandardVersion
from .registry import Indicator, indicator_get, indicators
from .standards import StandardInfo, Standards, StandardTerms
from .suppression import suppress_rows

NOT_YOUR_TEAM = "You can only see the figures and records of your own teams."
NO_SUCH_TEAM = "There is no team called {team!r}."
NO_DENOMINATOR = "A count has no denominator: ask for its numerator."
NO_AUTHORITY = "Your account belongs to no authority."
WHOLE_MONTHS = (
    "Figures with small numbers suppressed are for whole months: start on the first day "
    "of a month and end on the last day of a month."
)

JSON_KEYS = (
    "indicator",
    "period_start",
    "period_end",
    "team",
    "breakdown",
    "numerator",
    "denominator",
    "value",
)
CACHE_VERSION = "1"  # raise when the shape of the cached results changes


class IndicatorQueryError(ValueError):
    """A request that cannot be answered, with a message to show."""


def _cache():
    return caches["indicators" if "indicators" in settings.CACHES else "default"]


def standards_get() -> Standards:
    """The catalogue as plain values, for the pure indicator functions."""
    info = {
        standard.slug: StandardInfo(
            slug=standard.slug,
            title=standard.title,
            source=standard.source,
            measure=standard.measure,
            unit=standard.unit,
            indicators=tuple(standard.indicator_ids),
        )
        for standard in Standard.objects.all()
    }
    versions: dict[str, list[StandardTerms]] = {slug: [] for slug in info}
    for version in StandardVersion.objects.select_related("standard").order_by(
        "standard__slug", "effective_from"
    ):
        versions[version.standard.slug].append(
            StandardTerms(
                slug=version.standard.slug,
                effective_from=version.effective_from,
                effective_to=version.effective_to,
                threshold=version.threshold,
                target=version.target,
                green_from=version.green_from,
                amber_from=version.amber_from,
            )
        )
    return Standards(info=info, versions={slug: tuple(terms) for slug, terms in versions.items()})


def indicator_context(*, authority: Authority, periods: list[Period]) -> Context:
    return Context(
        periods=periods,
        region=authority.nation,
        standards=standards_get(),
        child_population=authority.child_population,
    )


def _data_version(authority: Authority) -> tuple | None:
    return (
        DataVersion.objects.filter(authority=authority).values_list("version", "changed_at").first()
    )


def _cache_key(*, authority: Authority, context: Context, parts: tuple) -> str:
    version = _data_version(authority)
    text = repr(
        (
            CACHE_VERSION,
            authority.pk,
            version,
            context.region,
            context.child_population,
            context.standards.fingerprint(),
            parts,
        )
    )
    return "cpqa-indicators-" + hashlib.sha256(text.encode()).hexdigest()


_shared = threading.local()


@contextmanager
def facts_shared() -> Iterator[None]:
    """Within the block, the canonical frames are read from the database once (for each
    authority and data version) and shared by every indicator table computed in it.

    A report, or warming the reports' caches, computes several tables (months,
    quarters, a year, each cached on its own) and each read every fact again: most
    of a table's cost. The frames are held only until the block ends, in this
    thread only; a new data version (an import in between) reads them afresh.
    """
    if getattr(_shared, "frames", None) is not None:  # already sharing (nested)
        yield
        return
    _shared.frames = {}
    try:
        yield
    finally:
        _shared.frames = None


def _fact_frames(*, authority: Authority, tables: tuple[str, ...]) -> dict[str, pl.DataFrame]:
    shared = getattr(_shared, "frames", None)
    if shared is None:
        return fact_frames(authority=authority, tables=tables)
    key = (authority.pk, _data_version(authority), tables)
    if key not in shared:
        shared[key] = fact_frames(authority=authority, tables=tables)
    return shared[key]


def _tables(selected: list[Indicator]) -> tuple[str, ...]:
    names = {"team"}
    for indicator in selected:
        names.update(indicator.tables)
    return tuple(sorted(names))


def indicator_table(*, authority: Authority, start: date, end: date, by: Grouping) -> pl.DataFrame:
    """Every indicator for the whole authority and every team, unsuppressed; cached.

    Aggregates only (no child is named): not logged.
    """
    context = indicator_context(authority=authority, periods=periods_between(start, end, by))
    key = _cache_key(authority=authority, context=context, parts=("table", start, end, by))
    cache = _cache()
    table = cache.get(key)
    if table is None:
        frames = _fact_frames(authority=authority, tables=_tables(list(indicators())))
        table = indicators_compute(frames, context)
        cache.set(key, table)
    return table


def _suppressed_rows(*, authority: Authority, start: date, end: date, by: Grouping) -> list[dict]:
    """The rows with small numbers suppressed across every team; cached too."""
    context = indicator_context(authority=authority, periods=periods_between(start, end, by))
    key = _cache_key(authority=authority, context=context, parts=("suppressed", start, end, by))
    cache = _cache()
    rows = cache.get(key)
    if rows is None:
        table = indicator_table(authority=authority, start=start, end=end, by=by)
        every = list(indicators())
        rows = suppress_rows(
            table.to_dicts(),
            kinds={indicator.id: indicator.kind for indicator in every},
            part_of={i.id: i.part_of for i in every if i.part_of},
            denominator_of={i.id: i.denominator_of for i in every if i.denominator_of},
            shares=[i.id for i in every if i.breakdown_shares],
        )
        cache.set(key, rows)
    return rows


def _authority(scope: Scope) -> Authority:
    authority = Authority.objects.filter(pk=scope.authority_id).first()
    if authority is None:
        raise PermissionDenied(NO_AUTHORITY)
    return authority


def team_by_name(*, authority: Authority, name: str) -> Team:
    team = Team.objects.filter(authority=authority, name=name).order_by("pk").first()
    if team is None:
        team = Team.objects.filter(authority=authority, ref=name).first()
    if team is None:
        raise IndicatorQueryError(NO_SUCH_TEAM.format(team=name))
    return team


def _team_refs(*, authority: Authority, scope: Scope) -> set[str] | None:
    """The refs of the teams whose figures the scope may see (None: every team)."""
    if not scope.child_level or scope.team_ids is None:
        return None
    return set(
        Team.objects.filter(authority=authority, pk__in=scope.team_ids).values_list(
            "ref", flat=True
        )
    )


def may_see_figures(scope: Scope) -> bool:
    """Child-level roles see figures; of the others, councillors see aggregates only."""
    return scope.child_level or scope.has_role(Role.COUNCILLOR)


@dataclass(frozen=True)
class IndicatorQuery:
    start: date
    end: date
    by: Grouping = "none"
    team: str | None = None
    indicators: tuple[str, ...] = ()


def default_range(*, today: date, months: int) -> tuple[date, date]:
    """The last `months` complete months before today's month."""
    end = today.replace(day=1) - timedelta(days=1)
    return add_months(end.replace(day=1), 1 - months), end


def _json_value(value):
    return value.isoformat() if isinstance(value, date) else value


def indicator_rows(
    *,
    authority: Authority,
    query: IndicatorQuery,
    teams: set[str] | None = None,
    suppress: bool = False,
    all_teams: bool = False,
) -> list[dict]:
    """Rows for JSON: the whole authority, plus the asked-for team, or every team allowed.

    teams: the refs of the teams that may be shown (None: every team).
    all_teams: with no team asked for, show every allowed team (else the authority only).
    """
    wanted = tuple(indicator_get(i).id for i in query.indicators) if query.indicators else None
    team_ref = None
    if query.team:
        team_ref = team_by_name(authority=authority, name=query.team).ref
        if teams is not None and team_ref not in teams:
            raise PermissionDenied(NOT_YOUR_TEAM)
    if suppress:
        rows = _suppressed_rows(authority=authority, start=query.start, end=query.end, by=query.by)
    else:
        rows = indicator_table(
            authority=authority, start=query.start, end=query.end, by=query.by
        ).to_dicts()
    counts = {indicator.id for indicator in indicators() if indicator.kind == "count"}
    if team_ref is not None:
        shown = {team_ref}
    elif all_teams:
        shown = teams
    else:
        shown = set()
    result = []
    for row in rows:
        if wanted is not None and row["indicator"] not in wanted:
            continue
        ref = row["team_ref"]
        if ref is not None and shown is not None and ref not in shown:
            continue
        out = {key: _json_value(row[key]) for key in JSON_KEYS}
        if out["value"] is not None and out["indicator"] in counts:
            out["value"] = int(out["value"])  # a count is a whole number
        if suppress:
            out["suppressed"] = row["suppressed"]
        result.append(out)
    if wanted is not None:
        order = {indicator_id: index for index, indicator_id in enumerate(wanted)}
        result.sort(key=lambda row: order[row["indicator"]])
    return result


def indicator_rows_for_user(*, user, query: IndicatorQuery) -> list[dict]:
    """The API's rows for a signed-in user, scoped by role.

    Child-level roles: the whole authority and every team they may see (a team
    role only its own). Councillors: the whole authority and every team, with
    small numbers suppressed. Anyone else: refused. Every row has `suppressed`.
    """
    scope = user_scope(user)
    if not may_see_figures(scope):
        raise PermissionDenied
    authority = _authority(scope)
    suppress = not scope.child_level
    if suppress and (query.start.day != 1 or query.end != month_end(query.end)):
        # Otherwise two overlapping ranges a day apart would give a day's small count away.
        raise IndicatorQueryError(WHOLE_MONTHS)
    rows = indicator_rows(
        authority=authority,
        query=query,
        teams=_team_refs(authority=authority, scope=scope),
        suppress=suppress,
        all_teams=True,
    )
    if not suppress:
        for row in rows:
            row["suppressed"] = False
    return rows


@dataclass
class RecordsPage:
    indicator: Indicator
    period: Period
    team: str | None
    part: Part
    breakdown: str | None
    columns: list[tuple[str, str]]
    rows: list[dict]
    total: int  # records the user may see
    hidden: int  # records about children outside the user's teams, not shown
    offset: int


def _records(
    *,
    authority: Authority,
    indicator: Indicator,
    period: Period,
    team_ref: str | None,
    part: Part,
    breakdown: str | None,
) -> pl.DataFrame:
    context = indicator_context(authority=authority, periods=[period])
    key = _cache_key(
        authority=authority,
        context=context,
        parts=("records", indicator.id, period, team_ref, part, breakdown),
    )
    cache = _cache()
    records = cache.get(key)
    if records is None:
        frames = fact_frames(authority=authority, tables=indicator.tables)
        records = indicator_records(
            indicator, frames, context, team_ref=team_ref, part=part, breakdown=breakdown
        )
        cache.set(key, records)
    return records


def indicator_records_list(
    *,
    user,
    indicator_id: str,
    period: Period,
    team: str | None,
    part: Part,
    breakdown: str | None = None,
    via: str,
    offset: int = 0,
    limit: int = 200,
) -> RecordsPage:
    """The records behind a figure, for a role that may see those children; logged.

    A team role sees only the records of its teams' children (and, for records
    not about a child, of its teams). Councillors and administrators are refused.
    """
    scope = user_scope(user)
    if not scope.child_level:
        raise PermissionDenied
    authority = _authority(scope)
    indicator = indicator_get(indicator_id)
    if part == "denominator" and not indicator.has_denominator:
        raise IndicatorQueryError(NO_DENOMINATOR)
    allowed = _team_refs(authority=authority, scope=scope)
    team_ref = None
    if team:
        team_ref = team_by_name(authority=authority, name=team).ref
        if allowed is not None and team_ref not in allowed:
            raise PermissionDenied(NOT_YOUR_TEAM)
    records = _records(
        authority=authority,
        indicator=indicator,
        period=period,
        team_ref=team_ref,
        part=part,
        breakdown=breakdown,
    )
    visible = None
    if allowed is not None:
        visible = list(
            Child.objects.filter(authority=authority, team_id__in=scope.team_ids).values_list(
                "ref", flat=True
            )
        )
    return indicator_records_page(
        user=user,
        authority=authority,
        indicator=indicator,
        records=records,
        visible_children=visible,
        allowed_teams=allowed,
        period=period,
        team_label=team,
        part=part,
        breakdown=breakdown,
        via=via,
        offset=offset,
        limit=limit,
    )


def indicator_records_page(
    *,
    user,
    authority: Authority,
    indicator: Indicator,
    records: pl.DataFrame,
    visible_children: "list[str] | pl.Series | None",
    allowed_teams: set[str] | None,
    period: Period,
    team_label: str | None,
    part: Part,
    breakdown: str | None,
    via: str,
    offset: int,
    limit: int,
) -> RecordsPage:
    """One page of an indicator's records, cut to what the user may see, and logged.

    With `allowed_teams` (a team role), only the records of the children in
    `visible_children` (those of the user's teams) and, for records not about a
    child, of the allowed teams are kept; the rest are counted as hidden. Shared
    by every drill-down (indicator_records_list, the filtered figures' records).
    """
    everyone = records.height
    if allowed_teams is not None:
        children = (
            visible_children
            if isinstance(visible_children, pl.Series)
            else pl.Series(visible_children or [], dtype=pl.String)
        )
        records = records.filter(
            pl.col("child").is_in(children.implode())
            | (pl.col("child").is_null() & pl.col("team").is_in(list(allowed_teams)))
        )
    page = records.slice(offset, limit)
    names = dict(Team.objects.filter(authority=authority).values_list("ref", "name"))
    rows = [
        {
            "child": row["child"],
            "ref": row["ref"],
            "team_name": names.get(row["team"], row["team"]) if row["team"] else None,
            "cells": [row[name] for name, _ in indicator.columns],
        }
        for row in page.to_dicts()
    ]
    access_log_record(
        user=user,
        kind=AccessKind.PAGE,
        via=via,
        record_type="indicator records",
        child_refs=[row["child"] for row in rows if row["child"]],
    )
    return RecordsPage(
        indicator=indicator,
        period=period,
        team=team_label,
        part=part,
        breakdown=breakdown,
        columns=list(indicator.columns),
        rows=rows,
        total=records.height,
        hidden=everyone - records.height,
        offset=offset,
    )


@dataclass
class DefinitionEntry:
    indicator: Indicator
    standards: list[tuple[StandardInfo, StandardTerms | None]]


def definitions_list(*, on: date) -> list[DefinitionEntry]:
    """Every indicator with its definition and the standards in force on a date."""
    catalogue = standards_get()
    entries = []
    for indicator in indicators():
        standards = [
            (catalogue.info[slug], catalogue.in_force(slug, on))
            for slug in indicator.standards
            if slug in catalogue.info
        ]
        entries.append(DefinitionEntry(indicator=indicator, standards=standards))
    return entries
