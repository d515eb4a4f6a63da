"""The monthly management information, for managers.

Every indicator by team against the standards (RAG), the register of plans,
conference timescales and publication, attendance by agency with the reasons
for low attendance, unallocated children (counts) and the completeness of the
data. Aggregates only: no child is named, so nothing is written to the access
log. A team role sees the whole authority and its own teams.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from cpqa.casework.models import Agency
from cpqa.indicators.registry import indicator_get, indicators
from cpqa.indicators.standards import Standards

from ..catalogue import plain
from ..charts import Bar, ValueStyle, comparison_bar_chart, funnel_chart
from ..document import (
    ChartBlock,
    Column,
    Figures,
    Paragraph,
    Report,
    Section,
    Table,
    count_cell,
    date_cell,
    percent_cell,
    text_cell,
)
from ..periods import ReportPeriod
from ..selectors import ReportAccess, attendance_reasons, indicator_periods, teams_shown
from ..spc import FunnelUnit, Polarity, funnel_calculate
from .common import (
    Key,
    breakdown_label,
    chart_cached,
    figure_cell,
    lookup,
    report_start,
    standards_catalogue,
    terms_for,
    withheld_text,
)

WHOLE_AUTHORITY = "Whole authority"
LOW_ATTENDANCE_PERCENT = 75.0
REASONS_SHOWN = 3
LOW_REASONS_LISTED = 5
NO_REASON = "No reason recorded"
SUMMARY = (
    "Figures for {period}, for the whole authority and {teams}, measured against the "
    "standards in force on {end}. Green, amber and red follow each standard's bands."
)
ALL_TEAMS = "every team"
YOUR_TEAMS = "your teams ({names})"
RAG_NOTE = (
    "Green: at or above the target. Amber: below the target but within the amber band. "
    "Red: below the amber band. No rating where a figure has no standard or no value."
)
LOW_ATTENDANCE_NOTE = (
    f"An agency attending fewer than {LOW_ATTENDANCE_PERCENT:.0f}% of the conferences it "
    "was invited to is marked as low; the reasons are those recorded for its absences "
    "(for the whole authority)."
)
RATE = "Children on a plan per 10,000 children at the end of the period"
PARENTS_ATTENDED = "Conferences attended by parents"
PARENTS_TOOK_PART = "Conferences in which parents took part"
BY_TEAM_IN_WORKBOOK = (
    'These figures by team are in the workbook (XLSX): the sheets "Plans by category by '
    'team" and "Plans ended by length by team".'
)

STANDARD_INDICATORS = (
    "icpc_within_15_working_days",
    "core_group_within_10_working_days",
    "cpp_reviewed_in_time",
    "cpp_seen_within_standard",
    "cpp_seen_alone_within_standard",
    "decision_published_in_time",
    "minutes_published_in_time",
    "conference_quorate",
    "supervision_within_standard",
)
DURATIONS = (
    ("cpp_ended_3_months_or_less", "3 months or less"),
    ("cpp_ended_3_to_6_months", "3 to 6 months"),
    ("cpp_ended_6_to_12_months", "6 to 12 months"),
    ("cpp_ended_1_to_2_years", "1 to 2 years"),
    ("cpp_ended_2_years_or_more", "2 years or more"),
)


@dataclass
class PeriodFigures:
    """The period's figures, looked up by indicator, team and breakdown."""

    rows: dict[Key, dict]
    period: ReportPeriod
    previous: ReportPeriod
    teams: list[tuple[str, str]]
    standards: Standards

    def row(self, indicator_id: str, team_ref: str | None, breakdown: str | None = None):
        return self.rows.get((indicator_id, self.period.start, team_ref, breakdown))

    def before(self, indicator_id: str, team_ref: str | None):
        return self.rows.get((indicator_id, self.previous.start, team_ref, None))

    def cell(self, indicator_id: str, team_ref: str | None, breakdown: str | None = None):
        indicator = indicator_get(indicator_id)
        terms = terms_for(indicator, self.standards, self.period.end)
        return figure_cell(self.row(indicator_id, team_ref, breakdown), terms=terms)

    @property
    def units(self) -> list[tuple[str | None, str]]:
        """The whole authority, then each team shown."""
        return [(None, WHOLE_AUTHORITY), *self.teams]


def _column(indicator_id: str, header: str) -> Column:
    kind = indicator_get(indicator_id).kind
    return Column(header, {"percentage": "percent", "count": "count"}.get(kind, "number"))


def team_table(
    figures: PeriodFigures,
    *,
    sheet: str,
    title: str,
    columns: list[tuple[str, str]],
    note: str = "",
    workbook_only: bool = False,
) -> Table:
    """Teams as rows (the whole authority first), one indicator per column."""
    rows = [
        [text_cell(name), *(figures.cell(indicator_id, ref) for indicator_id, _ in columns)]
        for ref, name in figures.units
    ]
    return Table(
        sheet=sheet,
        title=title,
        columns=[Column("Team"), *(_column(i, header) for i, header in columns)],
        rows=rows,
        note=note,
        workbook_only=workbook_only,
    )


def breakdown_table(
    figures: PeriodFigures,
    *,
    indicator_id: str,
    sheet: str,
    title: str,
    note: str = "",
    workbook_only: bool = False,
) -> Table:
    """Teams as rows, one breakdown value (category, risk, item) per column."""
    indicator = indicator_get(indicator_id)
    values = list(indicator.breakdown_values)
    rows = [
        [text_cell(name), *(figures.cell(indicator_id, ref, value) for value in values)]
        for ref, name in figures.units
    ]
    kind = "percent" if indicator.kind == "percentage" else "count"
    return Table(
        sheet=sheet,
        title=title,
        columns=[
            Column("Team"),
            *(Column(breakdown_label(indicator_id, value), kind) for value in values),
        ],
        rows=rows,
        note=note,
        workbook_only=workbook_only,
    )


def authority_breakdown_table(
    figures: PeriodFigures, *, indicator_id: str, sheet: str, title: str, header: str
) -> Table:
    """The whole authority's figure for each breakdown value, one value a row."""
    indicator = indicator_get(indicator_id)
    kind = "percent" if indicator.kind == "percentage" else "count"
    return Table(
        sheet=sheet,
        title=title,
        columns=[Column(indicator.breakdown.capitalize() if indicator.breakdown else ""),
                 Column(header, kind)],
        rows=[
            [text_cell(breakdown_label(indicator_id, value)),
             figures.cell(indicator_id, None, value)]
            for value in indicator.breakdown_values
        ],
    )  # fmt: skip


def _standards_summary(figures: PeriodFigures) -> Table:
    rows = []
    for indicator_id in STANDARD_INDICATORS:
        indicator = indicator_get(indicator_id)
        terms = terms_for(indicator, figures.standards, figures.period.end)
        ratings = [
            figures.cell(indicator_id, ref).tag for ref, _ in figures.teams if ref is not None
        ]
        rows.append(
            [
                text_cell(plain(indicator_id, indicator.title).name),
                percent_cell(float(terms.target) if terms else None),
                figures.cell(indicator_id, None),
                figure_cell(figures.before(indicator_id, None), terms=terms),
                count_cell(ratings.count("green")),
                count_cell(ratings.count("amber")),
                count_cell(ratings.count("red")),
            ]
        )
    return Table(
        sheet="Standards",
        title="Against the standards: the whole authority, and how many teams are at each rating",
        columns=[
            Column("Standard"),
            Column("Target", "percent"),
            Column(figures.period.short_label, "percent"),
            Column(figures.previous.short_label, "percent"),
            Column("Teams green", "count"),
            Column("Teams amber", "count"),
            Column("Teams red", "count"),
        ],
        rows=rows,
        note=RAG_NOTE,
    )


def _register(figures: PeriodFigures) -> Section:
    section = Section("register", "Plans: the register")
    rows = []
    for ref, name in figures.units:
        opened = figures.before("cpp_open_at_end", ref)
        rows.append(
            [
                text_cell(name),
                figure_cell(opened),
                figures.cell("cpp_started", ref),
                figures.cell("cpp_ended", ref),
                figures.cell("cpp_open_at_end", ref),
                figures.cell("cpp_repeat", ref),
                figures.cell("cpp_and_looked_after", ref),
            ]
        )
    rate = figures.row("cpp_rate_per_10000", None)
    section.add(
        Table(
            sheet="Register",
            title="Children on a plan: open at the start, started, ended, open at the end",
            columns=[
                Column("Team"),
                Column("On a plan at the start", "count"),
                Column("Plans started", "count"),
                Column("Plans ended", "count"),
                Column("On a plan at the end", "count"),
                Column("Repeat plans", "percent"),
                Column("Also looked after", "count"),
            ],
            rows=rows,
            note=(
                "On a plan at the start: at the end of the day before the period began. "
                "Repeat plans: of the plans started, those for a child who had been on a "
                "plan before."
            ),
        ),
        Figures(((RATE, figure_cell(rate).text),)),
        authority_breakdown_table(
            figures,
            indicator_id="cpp_started_by_category",
            sheet="Plans by category",
            title="Plans started, by the initial category of abuse (the whole authority)",
            header="Plans started",
        ),
        breakdown_table(
            figures,
            indicator_id="cpp_started_by_category",
            sheet="Plans by category by team",
            title="Plans started, by the initial category of abuse, by team",
            workbook_only=True,
        ),
        Table(
            sheet="Plans ended by length",
            title="Plans ended, by how long they had lasted (the whole authority)",
            columns=[Column("Length"), Column("Share of the plans ended", "percent")],
            rows=[
                [text_cell(label), figures.cell(indicator_id, None)]
                for indicator_id, label in DURATIONS
            ],
        ),
        team_table(
            figures,
            sheet="Plans ended by length by team",
            title="Plans ended, by how long they had lasted (share of the plans ended), by team",
            columns=[("cpp_ended", "Plans ended"), *DURATIONS],
            workbook_only=True,
        ),
        Paragraph(BY_TEAM_IN_WORKBOOK),
    )
    return section


def _funnel(figures: PeriodFigures, indicator_id: str) -> ChartBlock | None:
    units = []
    for ref, name in figures.teams:
        row = figures.row(indicator_id, ref)
        if row and row["denominator"] and row["numerator"] is not None:
            units.append(FunnelUnit(name, row["numerator"], row["denominator"]))
    if len(units) < 2:
        return None
    whole = figures.row(indicator_id, None)
    centre = whole["numerator"] / whole["denominator"] if whole and whole["denominator"] else None
    title = f"{plain(indicator_id).name}: teams against the authority, {figures.period.label}"
    parts = ("funnel", indicator_id, tuple(units), centre, title)
    chart = chart_cached(
        parts,
        lambda: funnel_chart(
            result=funnel_calculate(units=units, centre=centre),
            title=title,
            polarity=Polarity.HIGHER_IS_BETTER,
            y_title="Within the standard",
        ),
    )
    return ChartBlock(
        chart,
        note=(
            "Each team's percentage against its number of cases. A team outside the "
            "dashed 99.8% limits differs from the authority by more than chance would explain."
        ),
    )


def _conferences(figures: PeriodFigures) -> Section:
    section = Section("conferences", "Enquiries and conferences: timescales and publication")
    section.add(
        team_table(
            figures,
            sheet="Conference timescales",
            title="Enquiries, conferences and their timescales, by team",
            columns=[
                ("s47_started", "Enquiries started"),
                ("icpc_held", "Initial conferences"),
                ("icpc_within_15_working_days", "Initial conference in 15 working days"),
                ("core_group_within_10_working_days", "First core group in 10 working days"),
                ("cpp_reviewed_in_time", "Reviews all on time"),
                ("decision_published_in_time", "Decision shared in 1 working day"),
                ("minutes_published_in_time", "Minutes shared in 15 working days"),
                ("conference_quorate", "Quorate"),
            ],
            note=RAG_NOTE,
        ),
        _funnel(figures, "icpc_within_15_working_days"),
        Figures(
            (
                (PARENTS_ATTENDED, figures.cell("conference_parents_attended", None).text),
                (PARENTS_TOOK_PART, figures.cell("conference_parents_participated", None).text),
            )
        ),
        team_table(
            figures,
            sheet="Parents at conferences",
            title="Parents at conferences, by team",
            columns=[
                ("conference_parents_attended", "Parents attended"),
                ("conference_parents_participated", "Parents took part"),
            ],
            workbook_only=True,
        ),
    )  # fmt: skip
    indicator = indicator_get("conference_child_participation")
    rows = [
        [
            text_cell(breakdown_label(indicator.id, value)),
            figures.cell(indicator.id, None, value),
        ]
        for value in indicator.breakdown_values
    ]
    section.add(
        Table(
            sheet="Child participation",
            title="How children took part in conferences (the whole authority)",
            columns=[Column("Participation"), Column("Share of conferences", "percent")],
            rows=rows,
        )
    )
    return section


def _visits(figures: PeriodFigures) -> Section:
    return Section("visits", "Visits and supervision").add(
        team_table(
            figures,
            sheet="Visits and supervision",
            title="Children seen, and supervision, against the standards, by team",
            columns=[
                ("cpp_seen_within_standard", "Seen in 10 working days"),
                ("cpp_seen_alone_within_standard", "Seen alone in 10 working days"),
                ("supervision_within_standard", "Supervision within 4 weeks"),
            ],
            note=RAG_NOTE,
        )
    )


def _attendance(figures: PeriodFigures, reasons: pl.DataFrame) -> Section:
    section = Section("attendance", "Attendance at conferences by agency")
    by_agency: dict[str, list[tuple[str, int]]] = {}
    for row in reasons.sort(["conferences", "reason"], descending=[True, False]).to_dicts():
        by_agency.setdefault(row["agency"], []).append(
            (row["reason"] or NO_REASON, row["conferences"])
        )
    rows, low, bars = [], [], []
    for agency in Agency.values:
        attended = figures.row("agency_attendance", None, agency)
        if attended is None or not attended["denominator"]:
            continue
        share = attended["value"]
        is_low = share is not None and share < LOW_ATTENDANCE_PERCENT
        label = breakdown_label("agency_attendance", agency)
        top = by_agency.get(agency, [])
        if is_low:
            low.extend((label, reason, count) for reason, count in top[:LOW_REASONS_LISTED])
        rows.append(
            [
                text_cell(label),
                count_cell(attended["denominator"], withheld=withheld_text(attended)),
                count_cell(attended["numerator"], withheld=withheld_text(attended)),
                figures.cell("agency_attendance", None, agency),
                figures.cell("agency_reports_on_time", None, agency),
                text_cell("Low" if is_low else ""),
                text_cell(
                    "; ".join(f"{reason} ({count})" for reason, count in top[:REASONS_SHOWN])
                ),
            ]
        )
        bars.append(Bar(label, None if share is None else share / 100, is_low))
    section.add(
        Table(
            sheet="Attendance by agency",
            title="Agencies invited to conferences, and how many attended",
            columns=[
                Column("Agency"),
                Column("Invitations", "count"),
                Column("Attended", "count"),
                Column("Attendance", "percent"),
                Column("Reports on time", "percent"),
                Column("Low attendance"),
                Column("Main reasons for not attending (conferences)"),
            ],
            rows=rows,
            note=LOW_ATTENDANCE_NOTE,
            empty="No agency was invited to a conference in the period.",
        )
    )
    if bars:
        title = f"Agencies attending conferences they were invited to, {figures.period.label}"
        section.add(
            ChartBlock(
                chart_cached(
                    ("bars", tuple(bars), title),
                    lambda: comparison_bar_chart(title=title, bars=bars, style=ValueStyle.PERCENT),
                ),
                note="Agencies with low attendance are highlighted.",
            )
        )
    section.add(
        Table(
            sheet="Reasons for low attendance",
            title=(
                "Reasons recorded for not attending, for the agencies with low attendance "
                f"(the {LOW_REASONS_LISTED} most frequent for each)"
            ),
            columns=[Column("Agency"), Column("Reason"), Column("Conferences", "count")],
            rows=[
                [text_cell(agency), text_cell(reason), count_cell(count)]
                for agency, reason, count in low
            ],
            empty="No agency's attendance was low.",
        )
    )
    return section


def _unallocated(figures: PeriodFigures) -> Section:
    risks = indicator_get("unallocated_by_risk").breakdown_values
    rows = []
    for ref, name in figures.units:
        rows.append(
            [
                text_cell(name),
                figures.cell("unallocated_at_end", ref),
                *(figures.cell("unallocated_by_risk", ref, risk) for risk in risks),
                figures.cell("unallocated_days", ref),
                figures.cell("unallocated_others_involved", ref),
            ]
        )
    return Section("unallocated", "Children on a plan without an allocated social worker").add(
        Table(
            sheet="Unallocated",
            title="Children on a plan without an allocated social worker at the end of the period",
            columns=[
                Column("Team"),
                Column("Children", "count"),
                *(
                    Column(f"Risk: {breakdown_label('unallocated_by_risk', risk).lower()}", "count")
                    for risk in risks
                ),
                Column("Average days unallocated", "number"),
                Column("Others involved", "percent"),
            ],
            rows=rows,
            note="The children are listed in the health check, for the roles that may see them.",
        )
    )


def _completeness(figures: PeriodFigures) -> Section:
    return Section("completeness", "Completeness of the data").add(
        breakdown_table(
            figures,
            indicator_id="data_completeness",
            sheet="Data completeness",
            title="Records holding each item the figures depend on, by team",
        )
    )


def all_figures_table(figures: PeriodFigures, frame: pl.DataFrame) -> Table:
    """Every figure of the period with its numerator and denominator (workbook only)."""
    names = dict(figures.teams)
    rows = []
    for row in frame.filter(pl.col("period_start") == figures.period.start).to_dicts():
        if row["team_ref"] is not None and row["team_ref"] not in names:
            continue
        indicator = indicator_get(row["indicator"])
        cell = figures.cell(row["indicator"], row["team_ref"], row["breakdown"])
        rows.append(
            [
                text_cell(indicator.id),
                text_cell(indicator.title),
                text_cell(names.get(row["team_ref"], WHOLE_AUTHORITY)),
                text_cell(breakdown_label(indicator.id, row["breakdown"])),
                date_cell(row["period_start"]),
                date_cell(row["period_end"]),
                count_cell(row["numerator"], withheld=withheld_text(row)),
                count_cell(row["denominator"], withheld=withheld_text(row))
                if indicator.has_denominator
                else text_cell(""),
                cell,
                text_cell(cell.tag),
            ]
        )
    return Table(
        sheet="All figures",
        title="Every figure of the period, with its numerator and denominator",
        columns=[
            Column("Indicator id"),
            Column("Indicator"),
            Column("Team"),
            Column("Breakdown"),
            Column("From", "date"),
            Column("To", "date"),
            Column("Numerator", "count"),
            Column("Denominator", "count"),
            Column("Value", "number"),
            Column("Rating"),
        ],
        rows=rows,
        workbook_only=True,
    )


def monthly_build(*, access: ReportAccess, period: ReportPeriod, today: date) -> Report:
    report = report_start(access=access, period=period, today=today)
    previous = period.before()
    frame = indicator_periods(
        authority=access.authority, periods=[previous, period], suppress=access.suppress
    )
    teams = teams_shown(authority=access.authority, team_refs=access.team_refs)
    figures = PeriodFigures(
        rows=lookup(frame),
        period=period,
        previous=previous,
        teams=teams,
        standards=standards_catalogue(),
    )
    names = ", ".join(name for _, name in teams)
    report.summary.append(
        SUMMARY.format(
            period=period.label,
            teams=ALL_TEAMS if access.team_refs is None else YOUR_TEAMS.format(names=names),
            end=f"{period.end.day} {period.end:%B %Y}",
        )
    )
    report.add(Section("standards", "Against the standards").add(_standards_summary(figures)))
    report.add(_register(figures))
    report.add(_conferences(figures))
    report.add(_visits(figures))
    report.add(_attendance(figures, attendance_reasons(authority=access.authority, period=period)))
    report.add(_unallocated(figures))
    report.add(_completeness(figures))
    report.add(
        Section("figures", "Every figure").add(
            Paragraph(
                "The workbook (XLSX) has every figure of the period with its numerator and "
                'denominator, on the sheet "All figures".'
            ),
            all_figures_table(figures, frame),
        )
    )
    # Every indicator appears in a table above; this keeps it so as indicators are added.
    shown = _shown_ids()
    missing = [i.id for i in indicators() if i.id not in shown]
    if missing:
        report.add(
            Section("other", "Other indicators").add(
                team_table(
                    figures,
                    sheet="Other indicators",
                    title="Other indicators, by team",
                    columns=[(i, indicator_get(i).title) for i in missing],
                )
            )
        )
    return report


def _shown_ids() -> set[str]:
    return {
        *STANDARD_INDICATORS,
        *(indicator_id for indicator_id, _ in DURATIONS),
        "s47_started",
        "icpc_held",
        "cpp_started",
        "cpp_ended",
        "cpp_open_at_end",
        "cpp_rate_per_10000",
        "cpp_repeat",
        "cpp_and_looked_after",
        "cpp_started_by_category",
        "conference_parents_attended",
        "conference_parents_participated",
        "conference_child_participation",
        "agency_attendance",
        "agency_reports_on_time",
        "unallocated_at_end",
        "unallocated_by_risk",
        "unallocated_days",
        "unallocated_others_involved",
        "data_completeness",
    }
