"""Reads for an indicator's page (a selector): its trend by month with an SPC chart, its
standards and RAG status, and the teams compared side by side and as a funnel plot.

Charts are drawn by cpqa.reports.charts (vl-convert: a second or more for the
first chart in a process) and cached with the figures, keyed by the data
version, the standards' terms and the query, including what the reader may see
(their teams; suppressed figures for councillors), so a page with a warm cache
draws nothing.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import polars as pl
from django.core.exceptions import PermissionDenied

from cpqa.accounts.roles import Role
from cpqa.accounts.scope import user_scope
from cpqa.core.periods import Period, month_end
from cpqa.indicators.registry import Indicator, indicator_get
from cpqa.indicators.selectors import standards_get
from cpqa.indicators.standards import StandardInfo, StandardTerms
from cpqa.reports.charts import (
    Bar,
    Chart,
    ValueStyle,
    comparison_bar_chart,
    funnel_chart,
    spc_chart,
)
from cpqa.reports.spc import FunnelUnit, Polarity, SpcResult, funnel_calculate

from .filters import ChildFilter
from .homes import FigureRow, figure_row
from .measures import polarity_of, series_result
from .selectors import (
    authority_of,
    cache_key,
    cached,
    combined_rows,
    series_from_rows,
    suppressed_rows,
    teams_sorted,
    teams_visible,
    trend_periods,
    trend_table,
)

NOT_BY_TEAM = "This figure is for the whole authority only."
NO_SUCH_BREAKDOWN = "{value!r} is not one of this indicator's breakdown values."
FILTERED_RATE = "A rate per 10,000 children is not shown for a category or an age band."
FUNNEL_NEEDS_TEAMS = "A comparison needs at least two teams with figures."


@dataclass(frozen=True)
class IndicatorPageQuery:
    indicator_id: str
    start: date  # first day of the first month
    end: date  # first day of the last month
    team: str = ""  # a team ref; "" for the whole authority
    category: str = ""
    age_band: str = ""
    breakdown: str = ""

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def period(self) -> Period:
        return Period(self.end, month_end(self.end))

    @property
    def child_filter(self) -> ChildFilter:
        return ChildFilter(on=month_end(self.end), category=self.category, age_band=self.age_band)


@dataclass
class IndicatorPage:
    indicator: Indicator
    query: IndicatorPageQuery
    unit_name: str
    figure: FigureRow | None
    authority: FigureRow | None
    teams: list[FigureRow]
    signals: list[str]
    chart: Chart | None
    comparison: Chart | None
    comparison_note: str
    standards: list[tuple[StandardInfo, StandardTerms | None]]
    breakdowns: list[tuple[str, str]]
    polarity: Polarity
    suppress: bool
    drill_down: bool
    message: str = ""
    result: SpcResult | None = field(default=None, repr=False)


def breakdown_choices(indicator: Indicator) -> list[tuple[str, str]]:
    """The breakdown values offered, "" (all of them together) first where that adds up."""
    if not indicator.breakdown_values:
        return []
    values = [(value, value) for value in indicator.breakdown_values]
    if indicator.breakdown_shares:
        return values
    return [("", "All"), *values]


def _style(indicator: Indicator) -> ValueStyle:
    if indicator.kind == "percentage":
        return ValueStyle.PERCENT
    if indicator.kind == "count":
        return ValueStyle.COUNT
    return ValueStyle.NUMBER


def _target(figure: FigureRow | None) -> float | None:
    if figure is None or figure.terms is None:
        return None
    return float(figure.terms.target / Decimal(100))


def _charts(
    *, indicator: Indicator, figure: FigureRow, unit_name: str, teams: list[FigureRow], authority
) -> tuple[Chart | None, Chart | None, str]:
    polarity = polarity_of(indicator.id)
    points = figure.series.points
    result = series_result(
        indicator,
        numerators=[None if p.suppressed else p.numerator for p in points],
        denominators=[None if p.suppressed else p.denominator for p in points],
        values=[None if p.suppressed else p.value for p in points],
        periods=[Period(p.period_start, p.period_end) for p in points],
    )
    title = f"{indicator.title}: {unit_name}"
    chart = spc_chart(
        result=result,
        title=title,
        polarity=polarity,
        style=_style(indicator),
        target=_target(figure) if indicator.kind == "percentage" else None,
        y_title=indicator.unit,
    )
    shown = [row for row in teams if not row.point.suppressed and row.point.value is not None]
    if len(shown) < 2:
        return chart, None, FUNNEL_NEEDS_TEAMS
    month = figure.point.period_start.strftime("%b %Y")
    if indicator.kind == "percentage":
        units = [
            FunnelUnit(row.series.team_name, row.point.numerator, row.point.denominator)
            for row in shown
            if row.point.denominator
        ]
        centre = None
        if authority is not None and authority.point.denominator and not authority.point.suppressed:
            centre = authority.point.numerator / authority.point.denominator
        comparison = funnel_chart(
            result=funnel_calculate(units=units, centre=centre),
            title=f"{indicator.title}: teams in {month}",
            polarity=polarity,
            y_title="Proportion",
        )
    else:
        comparison = comparison_bar_chart(
            title=f"{indicator.title}: teams in {month}",
            bars=[
                Bar(row.series.team_name, row.point.value, row.series.team_name == unit_name)
                for row in shown
            ],
            style=_style(indicator),
        )
    return chart, comparison, ""


def indicator_page(*, user, query: IndicatorPageQuery) -> IndicatorPage:
    """Everything an indicator's page shows, as the user may see it; charts cached."""
    scope = user_scope(user)
    if not scope.child_level and not scope.has_role(Role.COUNCILLOR):
        raise PermissionDenied
    authority = authority_of(scope)
    indicator = indicator_get(query.indicator_id)
    suppress = not scope.child_level
    if suppress and (query.category or query.age_band):
        raise PermissionDenied
    choices = dict(breakdown_choices(indicator))
    breakdown = query.breakdown
    if indicator.breakdown_values and breakdown not in choices:
        if breakdown:
            raise ValueError(NO_SUCH_BREAKDOWN.format(value=breakdown))
        breakdown = next(iter(choices))
    visible = teams_sorted(teams_visible(scope=scope))
    refs = {team.ref for team in visible}
    if query.team and query.team not in refs:
        raise PermissionDenied
    if query.team and not indicator.by_team:
        raise ValueError(NOT_BY_TEAM)
    standards = standards_get()
    periods = trend_periods(month=query.end, months=query.months)
    key = cache_key(
        authority=authority,
        parts=(
            "indicator page",
            indicator.id,
            query.start,
            query.end,
            query.team,
            query.category,
            query.age_band,
            breakdown,
            suppress,
            tuple(sorted(refs)),
            standards.fingerprint(),
        ),
    )

    def build() -> dict:
        if suppress:
            rows = suppressed_rows(authority=authority, periods=periods, ids=[indicator.id])
        else:
            table = trend_table(
                authority=authority,
                start=periods[0].start,
                end=periods[-1].end,
                child_filter=query.child_filter,
            )
            if breakdown:
                rows = table.with_columns(
                    pl.col("indicator", "team_ref", "team", "breakdown").cast(pl.String)
                ).filter(pl.col("indicator") == indicator.id)
            else:
                rows = combined_rows(table, [indicator.id])
        series = series_from_rows(rows, periods=periods, breakdown=breakdown or None)
        on = query.period.end
        authority_row = (
            figure_row(series[(indicator.id, None)], standards, on)
            if (indicator.id, None) in series
            else None
        )
        team_rows = [
            figure_row(series[(indicator.id, team.ref)], standards, on)
            for team in visible
            if (indicator.id, team.ref) in series
        ]
        chosen = (
            next((row for row in team_rows if row.series.team_ref == query.team), authority_row)
            if query.team
            else authority_row
        )
        unit_name = chosen.series.team_name if chosen and query.team else authority.name
        chart, comparison, note = (None, None, "")
        if chosen is not None:
            chart, comparison, note = _charts(
                indicator=indicator,
                figure=chosen,
                unit_name=unit_name,
                teams=team_rows,
                authority=authority_row,
            )
        return {
            "figure": chosen,
            "authority": authority_row,
            "teams": team_rows,
            "unit_name": unit_name,
            "chart": chart,
            "comparison": comparison,
            "note": note,
        }

    built = cached(key, build)
    figure = built["figure"]
    result = None
    signals: list[str] = []
    if figure is not None:
        points = figure.series.points
        result = series_result(
            indicator,
            numerators=[None if p.suppressed else p.numerator for p in points],
            denominators=[None if p.suppressed else p.denominator for p in points],
            values=[None if p.suppressed else p.value for p in points],
            periods=[Period(p.period_start, p.period_end) for p in points],
        )
        signals = [signal.describe() for signal in result.signals]
    on = query.period.end
    return IndicatorPage(
        indicator=indicator,
        query=IndicatorPageQuery(**{**vars(query), "breakdown": breakdown}),
        unit_name=built["unit_name"],
        figure=figure,
        authority=built["authority"],
        teams=built["teams"],
        signals=signals,
        chart=built["chart"],
        comparison=built["comparison"],
        comparison_note=built["note"],
        standards=[
            (standards.info[slug], standards.in_force(slug, on))
            for slug in indicator.standards
            if slug in standards.info
        ],
        breakdowns=breakdown_choices(indicator),
        polarity=polarity_of(indicator.id),
        suppress=suppress,
        drill_down=scope.child_level,
        message=FILTERED_RATE if indicator.kind == "rate" and query.child_filter.active else "",
        result=result,
    )
