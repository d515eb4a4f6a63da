"""The members' report, for councillors: plain words, trends, comparisons, questions to ask.

No child-level data. Every figure is the one the indicators API gives a
councillor (small numbers suppressed, with complementary suppression across
teams and breakdowns, see cpqa/indicators/suppression.py). The report shows
figures of two groupings (the period and the months within it), so that a
withheld month cannot be worked out as the period's total less the months shown,
`cross_grouping_hidden` withholds more where such a sum holds
(`suppression.complementary`). Trends are drawn from the figures shown: a
withheld month is a gap in the chart and plays no part in its average and limits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import polars as pl

from cpqa.indicators.registry import indicator_get, indicators
from cpqa.indicators.suppression import Relation, complementary
from cpqa.nationalstats.charts import measure_bar_chart, reporting_year
from cpqa.nationalstats.measures import PERCENT
from cpqa.nationalstats.selectors import Comparison, Figure

from ..catalogue import MEMBERS_INDICATORS, plain
from ..document import (
    Bullets,
    ChartBlock,
    Column,
    Figures,
    Inset,
    Paragraph,
    Report,
    Section,
    Table,
    text_cell,
)
from ..periods import PeriodError, ReportPeriod, series_months
from ..selectors import (
    WHOLE_MONTHS,
    ReportAccess,
    comparison_get,
    data_first_date,
    indicator_frame,
    indicator_periods,
    teams_shown,
)
from ..spc import Direction, Polarity, Reading, Rule
from .common import (
    SMALL_NUMBERS_NOTE,
    Series,
    chart_cached,
    figure_cell,
    figure_text,
    monthly_series,
    report_start,
    series_chart,
    standards_catalogue,
    target_text,
    terms_for,
)

SERIES_MONTHS = 24
TEAM_QUESTIONS = 10

INTRODUCTION = (
    "This report is for councillors. It sets out how well the council protects children "
    "at risk of significant harm, in {period}, using the council's own records as they "
    "stood on {as_at}. For each measure it says what the measure means, why it matters, "
    "how it has changed and whether the change is real or just the normal ups and downs "
    "from month to month. It compares the council with England, its region and ten "
    "similar councils, and suggests questions to ask."
)
HOW_TO_READ = (
    "How to read the charts: each point is a month. The solid line is the average and "
    "the dashed lines are the process limits, the range that normal variation produces. "
    "A point outside the limits, 7 months in a row on one side of the average, 6 months "
    "in a row rising or falling, or 2 of 3 months close to a limit is a signal that "
    'something has really changed (NHS England\'s "Making Data Count" method). A blue '
    "square marks an improvement, an orange diamond a concern."
)
GAP_NOTE = "Months with a withheld figure (small numbers) are left out of the chart."
MEANS = "What it means: {text}"
MATTERS = "Why it matters: {text}"
REAL_CHANGE = "Is the change real? {text}"
NO_FIGURE = "no figure"

QUESTION_CONCERN = 'Why has "{name}" {moved} since {since}, and what is being done about it?'
QUESTION_CONCERN_MONTH = (
    'Why was "{name}" unusually {level} in {since}, and has the cause been dealt with?'
)
QUESTION_TEAM = 'Why has "{name}" {moved} in {team} since {since}?'
QUESTION_IMPROVING = (
    '"{name}" has {moved} since {since}: what made the difference, and will it last?'
)
QUESTION_UNUSUAL = '"{name}" has been {level} than usual since {since}: what is behind it?'
QUESTION_BELOW_TARGET = (
    '"{name}" was {value} in {period}, below the amber band of its target of {target}: '
    "what is being done to reach the target?"
)
QUESTION_COMPARISON = (
    '"{measure}" was {own} in {year}, against {england} in England and {neighbours} in '
    "similar councils: why is it {word}?"
)
QUESTION_MORE_TEAMS = "And {count} more teams with a signal of concern: ask for the list."
NO_QUESTIONS = (
    "No signal of real change, no figure below its target and no comparison gives a "
    "particular question this time."
)
NEIGHBOURS = "The ten similar councils (the DfE's statistical neighbours, {model}): {names}."
OWN_FIGURE = "worked out from the council's own records"
OWN_FIGURE_NOTE = (
    "This council is not in the DfE's files, so its own figures are worked out from its "
    "records for the same year, with its own child population."
)
NOT_HELD = "not held"

# The measures compared, and how the council's own figure is worked out when it is not
# in the DfE's files: (indicator, per 10,000 children).
OWN_MEASURES: dict[str, tuple[str, bool]] = {
    "section47_rate": ("s47_started", True),
    "icpc_rate": ("icpc_held", True),
    "icpc_within_15_days": ("icpc_within_15_working_days", False),
    "repeat_plans": ("cpp_repeat", False),
    "plans_rate": ("cpp_rate_per_10000", False),
    "plans_ended_2_years_or_more": ("cpp_ended_2_years_or_more", False),
    "reviews_in_time": ("cpp_reviewed_in_time", False),
}
CHARTED_MEASURES = ("section47_rate", "plans_rate", "icpc_within_15_days", "repeat_plans")


# --- Complementary suppression across groupings -------------------------------------------

Cell = tuple  # (indicator, period_start, period_end, part)


def cross_grouping_hidden(
    *,
    months: pl.DataFrame,
    aggregates: pl.DataFrame,
    hidden: Iterable[Cell],
    kinds: Mapping[str, str],
) -> set[Cell]:
    """The figures to withhold so that no withheld one can be worked out across groupings.

    months and aggregates: unsuppressed rows (indicator, period_start, period_end,
    numerator, denominator) of the whole authority, by month and for longer periods
    made of whole months. hidden: the cells already withheld, as (indicator,
    period_start, period_end, "n" or "d"). Where a longer period's numerator (or
    denominator) is exactly the sum of its months' (a count of events, but not a
    count at the end of the period), that sum is a relation, and
    suppression.complementary withholds more until no relation has one unknown.
    Returns every cell to withhold (the given ones too).
    """
    values: dict[Cell, int | None] = {}
    by_month: dict[tuple[str, date], dict] = {}
    for row in months.to_dicts():
        by_month[(row["indicator"], row["period_start"])] = row
        for part, column in (("n", "numerator"), ("d", "denominator")):
            values[(row["indicator"], row["period_start"], row["period_end"], part)] = row[column]
    relations = []
    also: dict[Cell, list[Cell]] = {}
    for row in aggregates.to_dicts():
        indicator, start, end = row["indicator"], row["period_start"], row["period_end"]
        inside = []
        current = start
        while current <= end:
            inside.append(by_month.get((indicator, current)))
            current = _next_month(current)
        if any(month is None for month in inside) or len(inside) < 2:
            continue
        for part, column in (("n", "numerator"), ("d", "denominator")):
            total = row[column]
            parts = [month[column] for month in inside]
            values[(indicator, start, end, part)] = total
            if total is None or any(value is None for value in parts) or sum(parts) != total:
                continue
            relations.append(
                Relation(
                    (indicator, start, end, part),
                    tuple(
                        (indicator, month["period_start"], month["period_end"], part)
                        for month in inside
                    ),
                )
            )
    for indicator, start, end, part in list(values):
        if part == "d" and kinds.get(indicator) in ("percentage", "mean"):
            also[(indicator, start, end, "d")] = [(indicator, start, end, "n")]
    return complementary(values, hidden, relations, also=also)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _hidden_cells(frame: pl.DataFrame, kinds: Mapping[str, str]) -> set[Cell]:
    """The cells withheld in a suppressed frame (a withheld value withholds its parts)."""
    cells = set()
    for row in frame.filter(pl.col("suppressed")).to_dicts():
        key = (row["indicator"], row["period_start"], row["period_end"])
        if row["numerator"] is None:
            cells.add((*key, "n"))
        if row["denominator"] is None and kinds.get(row["indicator"]) != "count":
            cells.add((*key, "d"))
    return cells


def _withhold(frame: pl.DataFrame, cells: set[Cell]) -> pl.DataFrame:
    """Withhold the figures of these cells in a suppressed frame (as "withheld")."""
    if not cells:
        return frame
    keys = pl.DataFrame(
        [list(cell) for cell in cells],
        schema={
            "indicator": pl.String,
            "period_start": pl.Date,
            "period_end": pl.Date,
            "part": pl.String,
        },
        orient="row",
    )
    marks = keys.group_by("indicator", "period_start", "period_end").agg(
        pl.col("part").eq("n").any().alias("_n"), pl.col("part").eq("d").any().alias("_d")
    )
    joined = frame.join(
        marks, on=["indicator", "period_start", "period_end"], how="left"
    ).with_columns(pl.col("_n", "_d").fill_null(False))
    whole = pl.col("team_ref").is_null() & pl.col("breakdown").is_null()
    n = whole & pl.col("_n")
    d = whole & pl.col("_d")
    return joined.with_columns(
        numerator=pl.when(n).then(None).otherwise(pl.col("numerator")),
        denominator=pl.when(d).then(None).otherwise(pl.col("denominator")),
        value=pl.when(n | d).then(None).otherwise(pl.col("value")),
        suppressed=pl.col("suppressed") | n | d,
        small=pl.col("small") & ~((n | d) & ~pl.col("suppressed")),
    ).drop("_n", "_d")


def _authority_rows(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(pl.col("team_ref").is_null() & pl.col("breakdown").is_null())


# --- Questions ------------------------------------------------------------------------------


def _moved(direction: Direction) -> str:
    return "risen" if direction == Direction.UP else "fallen"


def _since(period: object) -> str:
    return period.strftime("%B %Y") if isinstance(period, date) else str(period)


def series_question(series: Series) -> str | None:
    """The question a series' reading raises (None when it raises none)."""
    reading = series.reading
    signal = reading.signal
    if signal is None or not signal.periods:
        return None
    since = _since(signal.periods[0])
    name = series.name
    if series.team_ref is not None:
        if reading.reading != Reading.CONCERN:
            return None
        return QUESTION_TEAM.format(
            name=name, moved=_moved(signal.direction), team=series.team, since=since
        )
    if reading.reading == Reading.CONCERN:
        if signal.rule == Rule.OUTSIDE_LIMITS:
            level = "high" if signal.direction == Direction.UP else "low"
            return QUESTION_CONCERN_MONTH.format(name=name, level=level, since=since)
        return QUESTION_CONCERN.format(name=name, moved=_moved(signal.direction), since=since)
    if reading.reading == Reading.IMPROVING:
        moved = "improved" if signal.rule != Rule.OUTSIDE_LIMITS else _moved(signal.direction)
        return QUESTION_IMPROVING.format(name=name, moved=moved, since=since)
    if reading.reading in (Reading.HIGHER_THAN_USUAL, Reading.LOWER_THAN_USUAL):
        level = "higher" if signal.direction == Direction.UP else "lower"
        return QUESTION_UNUSUAL.format(name=name, level=level, since=since)
    return None


# --- Comparisons ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnFigure:
    value: float | None
    text: str


def _value_text(value: float | None, unit: str) -> str:
    if value is None:
        return NOT_HELD
    if unit == PERCENT:
        return f"{value:.1f}%"
    return f"{value:,.1f}"


def _figure_text(figure: Figure | None, unit: str) -> str:
    if figure is None:
        return NOT_HELD
    if figure.value is None:
        return figure.reason
    return _value_text(figure.value, unit)


def own_figures(
    *, comparison: Comparison, year_rows: Mapping[tuple[str, int], dict], population: int | None
) -> dict[tuple[str, int], OwnFigure]:
    """The council's own figure per (measure, year), from its suppressed year rows."""
    result = {}
    for key, (indicator_id, per_population) in OWN_MEASURES.items():
        try:
            measure = comparison.measure(key)
        except StopIteration:
            continue
        for year in measure.years:
            row = year_rows.get((indicator_id, year.year))
            if row is None:
                result[(key, year.year)] = OwnFigure(None, NOT_HELD)
                continue
            if row["suppressed"]:
                result[(key, year.year)] = OwnFigure(None, figure_text(row))
                continue
            value = row["value"]
            if per_population:
                value = value / population * 10_000 if population and value is not None else None
            result[(key, year.year)] = OwnFigure(value, _value_text(value, measure.measure.unit))
    return result


def _comparison_section(
    *,
    comparison: Comparison,
    authority_name: str,
    own: Mapping[tuple[str, int], OwnFigure],
) -> tuple[Section, list[str]]:
    section = Section("comparison", "How the council compares")
    questions: list[str] = []
    if comparison.message:
        section.add(Inset(comparison.message))
    if not comparison.measures:
        return section, questions
    if comparison.neighbours:
        section.add(
            Paragraph(
                NEIGHBOURS.format(
                    model=comparison.neighbour_model,
                    names=", ".join(neighbour.name for neighbour in comparison.neighbours),
                )
            )
        )
    if not comparison.in_files:
        section.add(Paragraph(OWN_FIGURE_NOTE))
    rows = []
    for item in comparison.measures:
        latest = item.latest
        if latest is None:
            continue
        unit = item.measure.unit
        if comparison.in_files:
            own_value = latest.authority.value if latest.authority else None
            own_text = _figure_text(latest.authority, unit)
            own_source = latest.authority.source_text if latest.authority else ""
        else:
            figure = own.get((item.measure.key, latest.year), OwnFigure(None, NOT_HELD))
            own_value, own_text = figure.value, figure.text
            own_source = OWN_FIGURE if figure.value is not None else ""
        neighbours = latest.neighbours_mean
        sources = "; ".join(
            dict.fromkeys(
                text
                for text in (
                    own_source,
                    latest.england.source_text if latest.england else "",
                    latest.region.source_text if latest.region else "",
                    neighbours.source_text if neighbours else "",
                )
                if text
            )
        )
        rows.append(
            [
                text_cell(item.measure.label + (f" ({unit})" if unit != PERCENT else "")),
                text_cell(reporting_year(latest.year)),
                text_cell(own_text),
                text_cell(_figure_text(latest.england, unit)),
                text_cell(_figure_text(latest.region, unit)),
                text_cell(_figure_text(neighbours, unit)),
                text_cell(sources),
            ]
        )
        question = _comparison_question(item, latest, own_value, own_text, unit)
        if question:
            questions.append(question)
    section.add(
        Table(
            sheet="Comparisons",
            title="The council beside England, its region and similar councils (latest year)",
            columns=[
                Column("Measure"),
                Column("Year"),
                Column(authority_name),
                Column("England"),
                Column(comparison.region_name or "Region"),
                Column("Similar councils (mean)"),
                Column("Sources (file and year)"),
            ],
            rows=rows,
        )
    )
    for key in CHARTED_MEASURES:
        item = next((m for m in comparison.measures if m.measure.key == key), None)
        if item is None or item.latest is None:
            continue
        latest = item.latest
        own_value = None
        if not comparison.in_files:
            own_value = own.get((key, latest.year), OwnFigure(None, "")).value
        parts = (
            "bar",
            key,
            latest.year,
            authority_name,
            own_value,
            *(
                (figure.area_name, figure.value, figure.source_text)
                for figure in (
                    latest.authority,
                    latest.england,
                    latest.region,
                    latest.neighbours_mean,
                )
                if figure is not None
            ),
        )
        chart = chart_cached(
            parts,
            lambda key=key, own_value=own_value: measure_bar_chart(
                comparison=comparison,
                key=key,
                authority_name=authority_name,
                authority_value=own_value,
            ),
        )
        if chart is not None:
            section.add(ChartBlock(chart))
    return section, questions


def _comparison_question(item, latest, own_value, own_text, unit) -> str | None:
    polarity = item.measure.polarity
    england = latest.england.value if latest.england else None
    neighbours = latest.neighbours_mean.value if latest.neighbours_mean else None
    if own_value is None or england is None or neighbours is None:
        return None
    if polarity == Polarity.NEITHER:
        return None
    higher_better = polarity == Polarity.HIGHER_IS_BETTER
    worse = (
        own_value < england and own_value < neighbours
        if higher_better
        else own_value > england and own_value > neighbours
    )
    if not worse:
        return None
    return QUESTION_COMPARISON.format(
        measure=item.measure.label,
        own=own_text,
        year=reporting_year(latest.year),
        england=_value_text(england, unit),
        neighbours=_value_text(neighbours, unit),
        word="lower" if higher_better else "higher",
    )


# --- The report -----------------------------------------------------------------------------


def _financial_year(year: int) -> ReportPeriod:
    return ReportPeriod(date(year - 1, 4, 1), date(year, 3, 31), "year")


def members_build(*, access: ReportAccess, period: ReportPeriod, today: date) -> Report:
    if not period.whole_months:
        raise PeriodError(WHOLE_MONTHS)
    authority = access.authority
    report = report_start(access=access, period=period, today=today)
    kinds = {indicator.id: indicator.kind for indicator in indicators()}
    first, last = series_months(period, count=SERIES_MONTHS)
    year_earlier = period.year_earlier()

    # The figures: by month (the trend) and for the period and the year before.
    def frames(start: date, end: date, by) -> tuple[pl.DataFrame, pl.DataFrame]:
        return (
            indicator_frame(authority=authority, start=start, end=end, by=by, suppress=True),
            indicator_frame(authority=authority, start=start, end=end, by=by),
        )

    monthly, monthly_all = frames(first, last, "month")
    if period.kind == "month" and year_earlier.start >= first:
        periods, periods_all = monthly, monthly_all
    else:
        shown = [year_earlier, period]
        periods = indicator_periods(authority=authority, periods=shown, suppress=True)
        periods_all = indicator_periods(authority=authority, periods=shown)
    comparison = comparison_get(authority=authority)
    published_years = sorted(
        {item.latest.year for item in comparison.measures if item.latest is not None}
    )
    data_from = data_first_date(authority=authority)
    years = [
        year
        for year in published_years
        if data_from is not None
        and data_from <= date(year - 1, 4, 1)
        and report.as_at is not None
        and report.as_at >= date(year, 3, 31)
    ]
    year_frames = [frames(date(y - 1, 4, 1), date(y, 3, 31), "year") for y in years]

    # Withhold more where a withheld figure could be worked out across the groupings.
    aggregates = [] if periods is monthly else [periods_all]
    aggregates += [frame_all for _, frame_all in year_frames]
    hidden = _hidden_cells(_authority_rows(monthly), kinds)
    for frame in [periods, *(frame for frame, _ in year_frames)]:
        hidden |= _hidden_cells(_authority_rows(frame), kinds)
    if aggregates:
        every = cross_grouping_hidden(
            months=_authority_rows(monthly_all),
            aggregates=_authority_rows(pl.concat(aggregates)),
            hidden=hidden,
            kinds=kinds,
        )
        extra = every - hidden
        monthly = _withhold(monthly, extra)
        periods = _withhold(periods, extra)
        year_frames = [(_withhold(frame, extra), frame_all) for frame, frame_all in year_frames]

    rows = {
        (row["indicator"], row["period_start"]): row for row in _authority_rows(periods).to_dicts()
    }
    series = {s.indicator.id: s for s in monthly_series(monthly, ids=MEMBERS_INDICATORS)}
    teams = teams_shown(authority=authority, team_refs=None)
    team_series = monthly_series(
        monthly,
        ids=[i for i in MEMBERS_INDICATORS if indicator_get(i).by_team],
        team_refs=[ref for ref, _ in teams],
    )
    standards = standards_catalogue()

    report.summary.append(INTRODUCTION.format(period=period.label, as_at=report.as_at_text))
    report.summary.append(SMALL_NUMBERS_NOTE)

    questions: list[str] = []
    measures = Section("measures", "The measures")
    measures.add(Paragraph(HOW_TO_READ))
    for indicator_id in MEMBERS_INDICATORS:
        indicator = indicator_get(indicator_id)
        words = plain(indicator_id, indicator.title)
        now = rows.get((indicator_id, period.start))
        before = rows.get((indicator_id, year_earlier.start))
        terms = terms_for(indicator, standards, period.end)
        items = [
            (period.label, figure_text(now) if now else NO_FIGURE),
            (
                f"{year_earlier.label} (a year earlier)",
                figure_text(before) if before else NO_FIGURE,
            ),
        ]
        if terms is not None and indicator.kind == "percentage":
            items.append(("Target", target_text(terms)))
        section = Section(indicator_id, words.name).add(
            Paragraph(MEANS.format(text=words.means)),
            Paragraph(MATTERS.format(text=words.matters)),
            Figures(tuple(items)),
        )
        trend = series.get(indicator_id)
        if trend is not None:
            target = (
                float(terms.target) / 100
                if terms is not None and indicator.kind == "percentage"
                else None
            )
            gaps = any(value is None for value in trend.values)
            section.add(
                ChartBlock(
                    series_chart(trend, title=f"{words.name}, by month", target=target),
                    note=GAP_NOTE if gaps else "",
                ),
                Paragraph(REAL_CHANGE.format(text=trend.reading.sentence)),
            )
            question = series_question(trend)
            if question:
                questions.append(question)
        if (
            now is not None
            and not now["suppressed"]
            and terms is not None
            and indicator.kind == "percentage"
            and now["value"] is not None
            and now["value"] < float(terms.amber_from)
        ):
            questions.append(
                QUESTION_BELOW_TARGET.format(
                    name=words.name,
                    value=figure_text(now),
                    period=period.label,
                    target=target_text(terms),
                )
            )
        measures.add(section)

    team_questions = [q for q in (series_question(s) for s in team_series) if q]
    own = own_figures(
        comparison=comparison,
        year_rows={
            (row["indicator"], row["period_end"].year): row
            for frame, _ in year_frames
            for row in _authority_rows(frame).to_dicts()
        },
        population=authority.child_population,
    )
    comparison_section, comparison_questions = _comparison_section(
        comparison=comparison, authority_name=authority.name, own=own
    )
    asked = questions + team_questions[:TEAM_QUESTIONS] + comparison_questions
    if len(team_questions) > TEAM_QUESTIONS:
        asked.append(QUESTION_MORE_TEAMS.format(count=len(team_questions) - TEAM_QUESTIONS))
    question_section = Section("questions", "Questions to ask")
    if asked:
        question_section.add(
            Paragraph(
                "These questions come from the signals of real change, the figures below "
                "their targets and the comparisons in this report."
            ),
            Bullets(tuple(asked)),
        )
    else:
        question_section.add(Paragraph(NO_QUESTIONS))
    report.add(question_section)
    report.add(measures)
    report.add(comparison_section)
    report.add(
        Section("figures", "The figures").add(
            _figures_table(rows, period, year_earlier), _monthly_table(monthly)
        )
    )
    return report


def _monthly_table(monthly: pl.DataFrame) -> Table:
    """The monthly figures behind the charts, as shown (workbook only)."""
    rows = []
    by_key = {
        (row["indicator"], row["period_start"]): row for row in _authority_rows(monthly).to_dicts()
    }
    months = sorted({start for _, start in by_key})
    for indicator_id in MEMBERS_INDICATORS:
        name = plain(indicator_id).name
        for month in months:
            row = by_key.get((indicator_id, month))
            if row is not None:
                rows.append([text_cell(name), text_cell(f"{month:%b %Y}"), figure_cell(row)])
    return Table(
        sheet="Monthly figures",
        title="The monthly figures of the measures (the points of the charts)",
        columns=[Column("Measure"), Column("Month"), Column("Figure", "number")],
        rows=rows,
        note=SMALL_NUMBERS_NOTE,
        workbook_only=True,
    )


def _figures_table(rows: Mapping, period: ReportPeriod, year_earlier: ReportPeriod) -> Table:
    table_rows = []
    for indicator_id in MEMBERS_INDICATORS:
        indicator = indicator_get(indicator_id)
        now = rows.get((indicator_id, period.start))
        before = rows.get((indicator_id, year_earlier.start))
        table_rows.append(
            [
                text_cell(plain(indicator_id, indicator.title).name),
                figure_cell(now),
                figure_cell(before),
            ]
        )
    return Table(
        sheet="Measures",
        title=f"The measures in {period.short_label} and a year earlier",
        columns=[
            Column("Measure"),
            Column(period.short_label, "number"),
            Column(f"{year_earlier.short_label} (a year earlier)", "number"),
        ],
        rows=table_rows,
        note=SMALL_NUMBERS_NOTE,
    )
