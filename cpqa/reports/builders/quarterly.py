"""The quarterly performance report, for the directorate's management team.

The quarter against the four before it (the first of which is the same quarter
last year), the signals of real change in the monthly series (statistical
process control, Making Data Count), the exceptions (red ratings and signals of
concern, for the authority and each team) and a place for the actions taken.
For another kind of period (a month, a year, dates) the comparison is with the
periods of the same kind before it and the same period a year before.
Aggregates only.
"""

from __future__ import annotations

from datetime import date

from cpqa.indicators.registry import Indicator, indicator_get, indicators

from ..catalogue import plain
from ..document import (
    Cell,
    ChartBlock,
    Column,
    Inset,
    Paragraph,
    Report,
    Section,
    Table,
    number_cell,
    percent_cell,
    text_cell,
)
from ..periods import ReportPeriod, series_months
from ..selectors import ReportAccess, indicator_frame, indicator_periods, teams_shown
from ..spc import Reading
from .common import (
    Series,
    figure_cell,
    lookup,
    monthly_series,
    report_start,
    series_chart,
    standards_catalogue,
    target_text,
    terms_for,
)

SERIES_MONTHS = 24
PREVIOUS_PERIODS = 4
WHOLE_AUTHORITY = "Whole authority"
EXCEPTIONS_NOTE = (
    "An exception is a figure rated red (below the amber band of its standard) or a signal "
    "of concern in the monthly figures. The workbook lists each one on its own row."
)
BY_TEAM_IN_WORKBOOK = (
    "The period's figures by team, for every indicator, are in the workbook (XLSX), on "
    'the sheet "By team"; the exceptions above name the teams that need attention.'
)
NO_ACTIONS = (
    "No actions are recorded yet. Recording the actions taken against each exception is "
    "not yet part of cpqa; until it is, record them in the management team's minutes."
)
NO_EXCEPTIONS = "No exceptions: no figure was rated red and no signal of concern was found."
NO_SIGNALS = "No signal of real change: every series is within its normal variation."
SUMMARY = (
    "{period} against the {count} periods before it and the same period a year before "
    "({year_earlier}), for the whole authority and {teams}. Signals come from statistical "
    "process control of the {months} months to {last}."
)
EXCEPTION_RED = "Below the amber band of the standard (target {target})"
EXCEPTION_CONCERN = "Signal of concern: {evidence}"
SIGNAL_READINGS = (
    Reading.CONCERN,
    Reading.IMPROVING,
    Reading.HIGHER_THAN_USUAL,
    Reading.LOWER_THAN_USUAL,
)
SPC_NOTE = (
    "Each chart shows the monthly figure, its average and its process limits: the range "
    "that normal month-to-month variation produces. A point outside the limits, a run of "
    "7 months on one side of the average, 6 months rising or falling in a row, or 2 of 3 "
    "months near a limit is a signal of real change (NHS England's Making Data Count)."
)


def headline_indicators() -> list[Indicator]:
    """The indicators with one figure per team (no breakdown), in catalogue order."""
    return [indicator for indicator in indicators() if not indicator.breakdown_values]


def change_cell(now: dict | None, before: dict | None) -> Cell:
    """The change from one figure to another: percentage points for a percentage."""
    if (
        now is None
        or before is None
        or now["value"] is None
        or before["value"] is None
        or now.get("suppressed")
        or before.get("suppressed")
    ):
        return Cell(None, "", "number")
    indicator = indicator_get(now["indicator"])
    change = now["value"] - before["value"]
    if indicator.kind == "percentage":
        return Cell(change, f"{change:+.1f} points", "number")
    if indicator.kind == "count":
        return Cell(change, f"{change:+,.0f}", "number")
    return Cell(change, f"{change:+,.1f}", "number")


def since_text(series: Series) -> str:
    reading = series.reading
    if reading.signal is None or not reading.signal.periods:
        return ""
    first = reading.signal.periods[0]
    return first.strftime("%B %Y") if isinstance(first, date) else str(first)


def quarterly_build(*, access: ReportAccess, period: ReportPeriod, today: date) -> Report:
    authority = access.authority
    report = report_start(access=access, period=period, today=today)
    standards = standards_catalogue()
    earlier = [period.before(count) for count in range(PREVIOUS_PERIODS, 0, -1)]
    year_earlier = period.year_earlier()
    columns = [*earlier, period]
    if year_earlier not in columns:
        columns.insert(0, year_earlier)
    frame = indicator_periods(authority=authority, periods=columns, suppress=access.suppress)
    rows = lookup(frame)
    first, last = series_months(period, count=SERIES_MONTHS)
    monthly = indicator_frame(
        authority=authority, start=first, end=last, by="month", suppress=access.suppress
    )
    teams = teams_shown(authority=authority, team_refs=access.team_refs)
    team_names = dict(teams)
    headline = headline_indicators()
    ids = [indicator.id for indicator in headline]
    authority_series = {series.indicator.id: series for series in monthly_series(monthly, ids=ids)}
    team_series = monthly_series(
        monthly, ids=[i.id for i in headline if i.by_team], team_refs=list(team_names)
    )
    report.summary.append(
        SUMMARY.format(
            period=period.label,
            count=PREVIOUS_PERIODS,
            year_earlier=year_earlier.short_label,
            teams="every team" if access.team_refs is None else "your teams",
            months=SERIES_MONTHS,
            last=f"{last:%B %Y}",
        )
    )

    # The period against the periods before it.
    glance_rows = []
    for indicator in headline:
        terms = terms_for(indicator, standards, period.end)
        now = rows.get((indicator.id, period.start, None, None))
        series = authority_series.get(indicator.id)
        reading = series.reading if series else None
        glance_rows.append(
            [
                text_cell(plain(indicator.id, indicator.title).name),
                *(
                    figure_cell(
                        rows.get((indicator.id, column.start, None, None)),
                        terms=terms_for(indicator, standards, column.end),
                    )
                    for column in columns
                ),
                change_cell(now, rows.get((indicator.id, period.before().start, None, None))),
                change_cell(now, rows.get((indicator.id, year_earlier.start, None, None))),
                percent_cell(float(terms.target) if terms else None) if terms else text_cell(""),
                text_cell(reading.reading.value if reading else ""),
            ]
        )
    report.add(
        Section("glance", "The period against the periods before it").add(
            Table(
                sheet="Against earlier periods",
                title=f"{period.short_label} against the periods before it: the whole authority",
                columns=[
                    Column("Indicator"),
                    *(
                        Column(
                            column.short_label
                            + (" (a year earlier)" if column == year_earlier else ""),
                            "number",
                        )
                        for column in columns
                    ),
                    Column("Change on the period before", "number"),
                    Column("Change on a year earlier", "number"),
                    Column("Target", "percent"),
                    Column("Monthly trend"),
                ],
                rows=glance_rows,
                note=(
                    "Ratings (green, amber, red) are against the standard in force at the end "
                    "of each period. Monthly trend: the reading of the statistical process "
                    "control chart of the monthly figures."
                ),
            )
        )
    )

    # Signals.
    signals = Section("signals", "Signals of real change").add(Paragraph(SPC_NOTE))
    signal_rows = []
    for series in [*authority_series.values(), *team_series]:
        reading = series.reading
        if reading.reading not in SIGNAL_READINGS:
            continue
        signal_rows.append(
            [
                text_cell(team_names.get(series.team_ref, WHOLE_AUTHORITY)),
                text_cell(series.name),
                text_cell(reading.reading.value),
                text_cell(since_text(series)),
                text_cell(reading.sentence),
            ]
        )
    charted = [
        series
        for series in authority_series.values()
        if series.indicator.standards or series.reading.reading == Reading.CONCERN
    ]
    for series in charted:
        terms = terms_for(series.indicator, standards, period.end)
        target = (
            float(terms.target) / 100 if terms and series.indicator.kind == "percentage" else None
        )
        chart = series_chart(series, title=f"{series.name}, by month", target=target)
        signals.add(ChartBlock(chart, note=series.reading.sentence))
    signals.add(
        _grouped(
            signal_rows,
            sheet="Signals by indicator",
            title="Signals of real change in the monthly figures, by indicator",
            columns=["Whole authority", "Teams"],
            cell=lambda r: f"{r[2]} since {r[3]}" if r[3] else r[2],
            empty=NO_SIGNALS,
        ),
        Table(
            sheet="Signals",
            title="Signals of real change in the monthly figures, the authority and each team",
            columns=[
                Column("Where"),
                Column("Indicator"),
                Column("Reading"),
                Column("Since"),
                Column("What the data show"),
            ],
            rows=signal_rows,
            empty=NO_SIGNALS,
            workbook_only=True,
        ),
    )

    # Exceptions: red ratings and signals of concern.
    exception_rows = []
    for indicator in headline:
        terms = terms_for(indicator, standards, period.end)
        for ref in [None, *team_names] if indicator.by_team else [None]:
            row = rows.get((indicator.id, period.start, ref, None))
            cell = figure_cell(row, terms=terms)
            if cell.tag == "red":
                exception_rows.append(
                    [
                        text_cell(team_names.get(ref, WHOLE_AUTHORITY)),
                        text_cell(plain(indicator.id, indicator.title).name),
                        cell,
                        text_cell(EXCEPTION_RED.format(target=target_text(terms))),
                    ]
                )
    for series in [*authority_series.values(), *team_series]:
        reading = series.reading
        if reading.reading != Reading.CONCERN or reading.signal is None:
            continue
        latest = rows.get((series.indicator.id, period.start, series.team_ref, None))
        exception_rows.append(
            [
                text_cell(team_names.get(series.team_ref, WHOLE_AUTHORITY)),
                text_cell(series.name),
                figure_cell(latest),
                text_cell(EXCEPTION_CONCERN.format(evidence=reading.signal.describe())),
            ]
        )
    report.add(
        Section("exceptions", "Exceptions").add(
            Paragraph(EXCEPTIONS_NOTE),
            _grouped(
                exception_rows,
                sheet="Exceptions by indicator",
                title=f"Exceptions in {period.short_label}, by indicator",
                columns=["Whole authority", "Teams"],
                cell=lambda r: f"{r[2]}: {r[3]}",
                empty=NO_EXCEPTIONS,
            ),
            Table(
                sheet="Exceptions",
                title=f"Exceptions in {period.short_label}",
                columns=[
                    Column("Where"),
                    Column("Indicator"),
                    Column(period.short_label, "number"),
                    Column("Why it is an exception"),
                ],
                rows=exception_rows,
                empty=NO_EXCEPTIONS,
                workbook_only=True,
            ),
        )
    )
    report.add(signals)
    report.add(Section("actions", "Actions taken against the exceptions").add(Inset(NO_ACTIONS)))

    # The period by team.
    by_team = [i for i in headline if i.by_team]
    report.add(
        Section("teams", "The period by team").add(
            Paragraph(BY_TEAM_IN_WORKBOOK),
            Table(
                sheet="By team",
                title=f"{period.short_label} by team",
                columns=[
                    Column("Indicator"),
                    Column(WHOLE_AUTHORITY, "number"),
                    *(Column(name, "number") for _, name in teams),
                ],
                rows=[
                    [
                        text_cell(plain(indicator.id, indicator.title).name),
                        *(
                            figure_cell(
                                rows.get((indicator.id, period.start, ref, None)),
                                terms=terms_for(indicator, standards, period.end),
                            )
                            for ref in [None, *team_names]
                        ),
                    ]
                    for indicator in by_team
                ],
                workbook_only=True,
            ),
            _trend_table(authority_series.values()),
        )
    )
    return report


def _grouped(
    rows: list[list[Cell]], *, sheet: str, title: str, columns: list[str], cell, empty: str
) -> Table:
    """One row per indicator: what concerns the whole authority, and which teams.

    rows: [where, indicator, ...] rows; cell(texts) writes one of them for a column.
    """
    order: dict[str, dict[str, list[str]]] = {}
    for row in rows:
        texts = [c.text + (f" ({c.tag})" if c.tag else "") for c in row]
        where, indicator = texts[0], texts[1]
        entry = order.setdefault(indicator, {"whole": [], "teams": []})
        if where == WHOLE_AUTHORITY:
            entry["whole"].append(cell(texts))
        else:
            entry["teams"].append(f"{where}: {cell(texts)}")
    return Table(
        sheet=sheet,
        title=title,
        columns=[Column("Indicator"), *(Column(header) for header in columns)],
        rows=[
            [
                text_cell(indicator),
                text_cell("; ".join(entry["whole"])),
                text_cell("; ".join(entry["teams"])),
            ]
            for indicator, entry in order.items()
        ],
        empty=empty,
    )


def _trend_table(series_list) -> Table:
    """The monthly series of the authority with their centre and limits (workbook only)."""
    rows = []
    for series in series_list:
        result = series.result
        percent = series.indicator.kind == "percentage"
        scale = 100 if percent else 1

        def scaled(value, *, percent=percent, scale=scale) -> Cell:
            if value is None:
                return Cell(None, "", "percent" if percent else "number")
            return percent_cell(value * scale) if percent else number_cell(value, places=2)

        for index, month in enumerate(series.months):
            rows.append(
                [
                    text_cell(series.indicator.id),
                    text_cell(series.name),
                    text_cell(f"{month:%Y-%m}"),
                    scaled(result.values[index]),
                    scaled(result.mean),
                    scaled(result.lower[index]),
                    scaled(result.upper[index]),
                    text_cell("; ".join(signal.label for signal in result.signals_at(index))),
                ]
            )
    return Table(
        sheet="Monthly trend",
        title="The monthly figures of the whole authority, with the centre and process limits",
        columns=[
            Column("Indicator id"),
            Column("Indicator"),
            Column("Month"),
            Column("Value", "number"),
            Column("Centre", "number"),
            Column("Lower limit", "number"),
            Column("Upper limit", "number"),
            Column("Signals"),
        ],
        rows=rows,
        workbook_only=True,
    )
