"""What the report builders share: the report's heading facts, figures as cells, RAG, SPC."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import polars as pl
from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

from cpqa.indicators.registry import Indicator, indicator_get
from cpqa.indicators.selectors import standards_get
from cpqa.indicators.standards import Standards, StandardTerms, rag
from cpqa.indicators.suppression import FEWER_THAN_5, WITHHELD

from ..catalogue import plain, polarity
from ..charts import Chart, ValueStyle, spc_chart
from ..document import Cell, Report, count_cell, number_cell, percent_cell
from ..periods import ReportPeriod
from ..selectors import ReportAccess, data_as_at, report_sources
from ..spc import Polarity, SpcReading, SpcResult, p_chart_calculate, reading_describe
from ..spc import xmr_calculate as _xmr

SMALL_NUMBERS_NOTE = (
    'To protect children\'s privacy, counts from 1 to 4 are shown as "fewer than 5", '
    "and any figure from which such a count could be worked out is withheld; "
    "percentages of such counts are withheld too."
)
MARKING = "OFFICIAL"
MARKING_CHILDREN = "OFFICIAL-SENSITIVE: lists children"
CHART_CACHE_VERSION = "1"

Key = tuple  # (indicator, period_start, team_ref, breakdown)


def report_start(*, access: ReportAccess, period: ReportPeriod, today: date) -> Report:
    """A Report with its heading facts: the period, the data's as-at date and its sources."""
    authority = access.authority
    sources, more = report_sources(authority=authority)
    spec = access.spec
    return Report(
        name=spec.name,
        title=spec.title,
        audience=spec.audience,
        authority=authority.name,
        period=period,
        as_at=data_as_at(authority=authority, today=today),
        generated_at=timezone.localtime(),
        produced_for=access.produced_for,
        sources=sources,
        sources_more=more,
        marking=MARKING_CHILDREN if access.child_rows else MARKING,
        landscape=spec.landscape,
        suppressed=access.suppress,
    )


def standards_catalogue() -> Standards:
    return standards_get()


def terms_for(indicator: Indicator, standards: Standards, day: date) -> StandardTerms | None:
    """The first of the indicator's standards in force on the day (its RAG bands)."""
    for slug in indicator.standards:
        terms = standards.in_force(slug, day)
        if terms is not None:
            return terms
    return None


def target_text(terms: StandardTerms) -> str:
    """A standard's target as people write it: "85%"."""
    return f"{float(terms.target):g}%"


def withheld_text(row: dict) -> str:
    """How a withheld figure is written ("" if it is shown)."""
    if not row.get("suppressed"):
        return ""
    return FEWER_THAN_5 if row.get("small") else WITHHELD


def figure_cell(row: dict | None, *, terms: StandardTerms | None = None) -> Cell:
    """An indicator row's value as a cell, with its RAG rating against the terms."""
    if row is None:
        return Cell(None, "no value")
    indicator = indicator_get(row["indicator"])
    withheld = withheld_text(row)
    value = row["value"]
    if indicator.kind == "percentage":
        tag = "" if withheld else (rag(value, terms) or "")
        return percent_cell(value, withheld=withheld, tag=tag)
    if indicator.kind == "count":
        return count_cell(value, withheld=withheld)
    if indicator.kind == "mean":
        return number_cell(value, withheld=withheld, unit=indicator.unit)
    return number_cell(value, withheld=withheld)


def figure_text(row: dict | None) -> str:
    return figure_cell(row).text


def lookup(frame: pl.DataFrame) -> dict[Key, dict]:
    """The rows of an indicator frame by (indicator, period_start, team_ref, breakdown)."""
    return {
        (row["indicator"], row["period_start"], row["team_ref"], row["breakdown"]): row
        for row in frame.to_dicts()
    }


def rows_for(frame: pl.DataFrame, ids: Iterable[str]) -> pl.DataFrame:
    return frame.filter(pl.col("indicator").is_in(list(ids)))


# --- SPC -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """A monthly series of one indicator for one team (None: the whole authority)."""

    indicator: Indicator
    team_ref: str | None
    team: str | None
    months: tuple[date, ...]
    values: tuple[float | None, ...]  # percentages as proportions 0 to 1
    numerators: tuple[int | None, ...]
    denominators: tuple[int | None, ...]

    @property
    def name(self) -> str:
        return plain(self.indicator.id, self.indicator.title).name

    @property
    def polarity(self) -> Polarity:
        return polarity(self.indicator.id)

    @cached_property
    def result(self) -> SpcResult:
        if self.indicator.kind == "percentage":
            return p_chart_calculate(
                numerators=self.numerators, denominators=self.denominators, periods=self.months
            )
        return _xmr(values=self.values, periods=self.months)

    @cached_property
    def reading(self) -> SpcReading:
        return reading_describe(result=self.result, polarity=self.polarity, measure=self.name)


def monthly_series(
    frame: pl.DataFrame, *, ids: Sequence[str], team_refs: Iterable[str | None] = (None,)
) -> list[Series]:
    """The monthly series of each indicator (no breakdown) for the authority and teams.

    Withheld months (suppressed figures) are missing months: not plotted, and not
    counted in the mean or the limits.
    """
    months = sorted(set(frame.get_column("period_start").to_list()))
    wanted = list(team_refs)
    selected = frame.filter(
        pl.col("indicator").is_in(list(ids)) & pl.col("breakdown").is_null()
    ).filter(
        pl.col("team_ref").is_in([ref for ref in wanted if ref is not None])
        | (pl.col("team_ref").is_null() if None in wanted else pl.lit(False))
    )
    grouped: dict[tuple[str, str | None], dict[date, dict]] = {}
    names: dict[str | None, str | None] = {}
    for row in selected.to_dicts():
        grouped.setdefault((row["indicator"], row["team_ref"]), {})[row["period_start"]] = row
        names[row["team_ref"]] = row["team"]
    result = []
    for indicator_id in ids:
        indicator = indicator_get(indicator_id)
        for ref in wanted:
            by_month = grouped.get((indicator_id, ref))
            if by_month is None:
                continue
            rows = [by_month.get(month) for month in months]
            scale = 100 if indicator.kind == "percentage" else 1
            result.append(
                Series(
                    indicator=indicator,
                    team_ref=ref,
                    team=names.get(ref),
                    months=tuple(months),
                    values=tuple(
                        None if row is None or row["value"] is None else row["value"] / scale
                        for row in rows
                    ),
                    numerators=tuple(None if row is None else row["numerator"] for row in rows),
                    denominators=tuple(None if row is None else row["denominator"] for row in rows),
                )
            )
    return result


def _cache():
    return caches["indicators" if "indicators" in settings.CACHES else "default"]


def chart_cached(parts: tuple, build: Callable[[], Chart]) -> Chart:
    """A chart drawn once for the same inputs (drawing one takes a quarter of a second).

    The key is a hash of everything the chart is drawn from, so it needs no data
    version: new figures make a new key. Charts hold aggregates only.
    """
    key = (
        "cpqa-report-chart-"
        + hashlib.sha256(repr((CHART_CACHE_VERSION, parts)).encode()).hexdigest()
    )
    cache = _cache()
    chart = cache.get(key)
    if chart is None:
        chart = build()
        cache.set(key, chart)
    return chart


def series_chart(series: Series, *, title: str, target: float | None = None) -> Chart:
    """The SPC chart of a series (a p-chart for a percentage), cached."""
    kind = series.indicator.kind
    style = (
        ValueStyle.PERCENT
        if kind == "percentage"
        else ValueStyle.COUNT
        if kind == "count"
        else ValueStyle.NUMBER
    )
    parts = (
        "spc",
        series.indicator.id,
        series.months,
        series.values,
        series.numerators,
        series.denominators,
        title,
        series.polarity.value,
        target,
    )
    return chart_cached(
        parts,
        lambda: spc_chart(
            result=series.result,
            title=title,
            polarity=series.polarity,
            style=style,
            target=target,
        ),
    )


def month_text(day: object) -> str:
    return day.strftime("%B %Y") if isinstance(day, date) else str(day)


COMPLETENESS_ITEMS = {
    "decision_date": "Date the decision was published",
    "minutes_date": "Date the minutes were published",
    "visit_date": "Date of the visit",
    "non_attendance_reason": "Reason an agency did not attend",
    "review_date": "Date of the review conference",
}


def breakdown_label(indicator_id: str, value: str | None) -> str:
    """A breakdown value in words: an agency, a category of abuse, a risk, an item."""
    from cpqa.casework.models import Agency, CategoryOfAbuse, Participation, Risk

    if value is None:
        return ""
    choices: dict[str, type] = {
        "agency_attendance": Agency,
        "agency_reports_on_time": Agency,
        "cpp_started_by_category": CategoryOfAbuse,
        "unallocated_by_risk": Risk,
        "conference_child_participation": Participation,
    }
    enum = choices.get(indicator_id)
    if enum is not None and value in enum.values:
        return str(enum(value).label)
    if indicator_id == "data_completeness":
        return COMPLETENESS_ITEMS.get(value, value.replace("_", " "))
    return value[:1].upper() + value[1:]
