"""The health check on unallocated children and staffing, monthly, for the assistant director
and the children's management team.

The full version lists the children on a plan without an allocated social
worker at the end of the period (child-level: only for roles that may see
them, only their teams' children for a team role, and written to the access
log), with counts by team, risk and days unallocated, whether other agencies
are involved, the decisions and their review dates; and beside it each team's
staffing and caseloads. Councillors get the aggregate version: the counts as
the indicators API gives them (small numbers suppressed), staffing, and
caseloads with small numbers of children suppressed; no child is listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl
from django.urls import reverse

from cpqa.casework.models import Risk, Team
from cpqa.indicators.registry import indicator_get
from cpqa.indicators.suppression import FEWER_THAN_5, WITHHELD, Relation, complementary, is_small

from ..document import (
    Cell,
    Column,
    Inset,
    Paragraph,
    Report,
    Section,
    Table,
    count_cell,
    date_cell,
    number_cell,
    text_cell,
    yes_no_cell,
)
from ..periods import PeriodError, ReportPeriod
from ..selectors import (
    WHOLE_MONTHS,
    ReportAccess,
    caseloads_by_team,
    indicator_frame,
    staffing_by_team,
    teams_shown,
    unallocated_children,
)
from .common import SMALL_NUMBERS_NOTE, breakdown_label, figure_cell, lookup, report_start

WHOLE_AUTHORITY = "Whole authority"
ALL_LISTED = "All the children listed"
TOTAL = "Total"
NO_TEAM = "No team recorded"
# Days unallocated, in bands: (label, first day, last day or None).
DAY_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("Up to 7 days", 0, 7),
    ("8 to 28 days", 8, 28),
    ("29 to 90 days", 29, 90),
    ("More than 90 days", 91, None),
)
RISK_ORDER = (Risk.HIGH.value, Risk.MEDIUM.value, Risk.LOW.value)
LOGGED = (
    "This report lists children. Every view and download of it is written to the access "
    "log, with the children it listed."
)
OPERATOR_NOT_LOGGED = (
    "This report lists children. It was produced at the command line by the operator of "
    "the server, outside the access log: keep it as securely as the database."
)
CHILD_LIST_WITHHELD = (
    "The list of children is not part of this version: councillors see figures for the "
    "whole authority and its teams, never a child."
)
NO_CHILDREN = "No child on a plan was without an allocated social worker at the end of the period."
SUMMARY = (
    "Children on a child protection plan without an allocated social worker on {end}, "
    "and each team's staffing beside them."
)
CASELOAD_NOTE = (
    "Children allocated: children with an allocation (involvement) to one of the team's "
    "social workers open at the end of the period. Children per FTE: those children over "
    "the full-time equivalent of the team's social workers (a worker with no FTE recorded "
    "counts as 1). Staffing is the team's latest monthly snapshot up to the end of the period."
)
REVIEW_OVERDUE = "Decision review overdue"


def _band(days: pl.Expr) -> pl.Expr:
    expression = None
    for label, first, last in DAY_BANDS:
        condition = days >= first if last is None else days.is_between(first, last)
        expression = (
            pl.when(condition).then(pl.lit(label))
            if expression is None
            else expression.when(condition).then(pl.lit(label))
        )
    return expression.otherwise(None)


def unallocated_summary(children: pl.DataFrame, *, end: date) -> pl.DataFrame:
    """Per team: the children, by risk and by days unallocated, with others involved, with
    no decision recorded and with the decision's review date passed (before the end)."""
    risk_columns = [(pl.col("risk") == risk).sum().alias(f"risk_{risk}") for risk in RISK_ORDER]
    return (
        children.with_columns(band=_band(pl.col("days")))
        .group_by("team_ref")
        .agg(
            pl.len().alias("children"),
            *risk_columns,
            (~pl.col("risk").is_in(list(RISK_ORDER)) | pl.col("risk").is_null())
            .sum()
            .alias("risk_not_recorded"),
            *((pl.col("band") == label).sum().alias(label) for label, _, _ in DAY_BANDS),
            pl.col("days").max().alias("longest"),
            pl.col("others_involved").fill_null(False).sum().alias("others_involved"),
            pl.col("decision").is_null().sum().alias("no_decision"),
            (pl.col("decision_review_date") < end).fill_null(False).sum().alias("review_overdue"),
        )
    )


def _summary_table(summary: pl.DataFrame, names: dict[str | None, str], *, total: str) -> Table:
    columns = [
        Column("Team"),
        Column("Children", "count"),
        *(Column(f"Risk: {Risk(risk).label.lower()}", "count") for risk in RISK_ORDER),
        Column("Risk not recorded", "count"),
        *(Column(label, "count") for label, _, _ in DAY_BANDS),
        Column("Longest (days)", "count"),
        Column("Others involved", "count"),
        Column("No decision recorded", "count"),
        Column(REVIEW_OVERDUE, "count"),
    ]
    keys = [
        "children",
        *(f"risk_{risk}" for risk in RISK_ORDER),
        "risk_not_recorded",
        *(label for label, _, _ in DAY_BANDS),
        "longest",
        "others_involved",
        "no_decision",
        "review_overdue",
    ]
    rows = []
    ordered = sorted(summary.to_dicts(), key=lambda row: names.get(row["team_ref"], NO_TEAM))
    for row in ordered:
        rows.append(
            [text_cell(names.get(row["team_ref"], NO_TEAM)), *(count_cell(row[k]) for k in keys)]
        )
    if ordered:
        totals = summary.select(
            *(pl.col(k).max() if k == "longest" else pl.col(k).sum() for k in keys)
        ).to_dicts()[0]
        rows.insert(0, [text_cell(total), *(count_cell(totals[k]) for k in keys)])
    return Table(
        sheet="Unallocated by team",
        title="Children on a plan without an allocated social worker, by team",
        columns=columns,
        rows=rows,
        empty=NO_CHILDREN,
    )


def _children_table(children: pl.DataFrame, names: dict, *, end: date, links: bool) -> Table:
    risk_rank = {risk: index for index, risk in enumerate(RISK_ORDER)}
    ordered = sorted(
        children.to_dicts(),
        key=lambda row: (risk_rank.get(row["risk"], len(RISK_ORDER)), -row["days"], row["child"]),
    )
    rows = []
    for row in ordered:
        overdue = row["decision_review_date"] is not None and row["decision_review_date"] < end
        href = reverse("casework:child-detail", args=[row["child"]]) if links else ""
        rows.append(
            [
                text_cell(row["child"], href=href),
                text_cell(names.get(row["team_ref"], NO_TEAM)),
                date_cell(row["from_date"]),
                count_cell(row["days"]),
                text_cell(
                    Risk(row["risk"]).label if row["risk"] in Risk.values else "Not recorded"
                ),
                yes_no_cell(row["others_involved"]),
                text_cell(row["decision"] or "Not recorded"),
                date_cell(row["decision_review_date"]),
                text_cell("Overdue" if overdue else ""),
            ]
        )
    return Table(
        sheet="Unallocated children",
        title="The children, highest risk and longest unallocated first",
        columns=[
            Column("Child"),
            Column("Team"),
            Column("Unallocated since", "date"),
            Column("Days unallocated", "count"),
            Column("Risk"),
            Column("Others involved"),
            Column("Decision"),
            Column("Decision review date", "date"),
            Column(REVIEW_OVERDUE),
        ],
        rows=rows,
        empty=NO_CHILDREN,
    )


def caseload_hidden(children: dict[str, int]) -> set[str]:
    """The counts of allocated children to withhold (teams, and TOTAL for their sum): those
    from 1 to 4, then complementary suppression so that none can be worked out."""
    values = {**children, TOTAL: sum(children.values())}
    small = {cell for cell, count in values.items() if is_small(count)}
    return complementary(values, small, [Relation(TOTAL, tuple(children))])


def _staffing_table(
    staffing: pl.DataFrame,
    caseloads: pl.DataFrame,
    teams: Sequence[tuple[str, str]],
    *,
    suppress: bool,
) -> Table:
    by_team = {row["team_ref"]: row for row in staffing.to_dicts()}
    loads = {row["team_ref"]: row for row in caseloads.to_dicts()}
    children = {ref: (loads.get(ref) or {}).get("children", 0) for ref, _ in teams}
    total_children = sum(children.values())
    hidden = caseload_hidden(children) if suppress else set()
    counts = {**children, TOTAL: total_children}
    small = {cell for cell in hidden if is_small(counts[cell])}

    def withheld(cell: str) -> str:
        if cell not in hidden:
            return ""
        return FEWER_THAN_5 if cell in small else WITHHELD

    columns = [
        Column("Team"),
        Column("Snapshot month", "date"),
        Column("Establishment (FTE)", "number"),
        Column("Filled (FTE)", "number"),
        Column("Vacant social worker posts (FTE)", "number"),
        Column("Vacant assistant team manager posts (FTE)", "number"),
        Column("Vacant team manager posts (FTE)", "number"),
        Column("Agency staff", "number"),
        Column("Social workers (FTE)", "number"),
        Column("Children allocated", "count"),
        Column("Children per FTE social worker", "number"),
    ]
    if not suppress:
        columns.append(Column("Most children for one social worker", "count"))
    fields = (
        "establishment_fte",
        "filled_fte",
        "vacant_social_worker",
        "vacant_assistant_team_manager",
        "vacant_team_manager",
        "agency_staff",
    )
    rows = []
    sums = dict.fromkeys((*fields, "social_worker_fte"), 0.0)
    for ref, name in teams:
        snapshot = by_team.get(ref, {})
        load = loads.get(ref, {})
        for key in fields:
            sums[key] += snapshot.get(key) or 0
        sums["social_worker_fte"] += load.get("social_worker_fte") or 0
        row = [
            text_cell(name),
            date_cell(snapshot.get("month")) if snapshot else text_cell("No snapshot"),
            *(number_cell(snapshot.get(key)) for key in fields),
            number_cell(load.get("social_worker_fte")),
            count_cell(children[ref], withheld=withheld(ref)),
            number_cell(load.get("per_fte"), withheld=withheld(ref)),
        ]
        if not suppress:
            row.append(count_cell(load.get("most_children", 0)))
        rows.append(row)
    if rows:
        per_fte = total_children / sums["social_worker_fte"] if sums["social_worker_fte"] else None
        total = [
            text_cell(TOTAL),
            text_cell(""),
            *(number_cell(sums[key]) for key in fields),
            number_cell(sums["social_worker_fte"]),
            count_cell(total_children, withheld=withheld(TOTAL)),
            number_cell(per_fte, withheld=withheld(TOTAL)),
        ]
        if not suppress:
            total.append(
                count_cell(
                    max((load.get("most_children", 0) for load in loads.values()), default=0)
                )
            )
        rows.insert(0, total)
    return Table(
        sheet="Staffing",
        title="Staffing and caseloads by team",
        columns=columns,
        rows=rows,
        note=CASELOAD_NOTE + (" " + SMALL_NUMBERS_NOTE if suppress else ""),
        empty="No team is recorded.",
    )


def _aggregate_table(access: ReportAccess, period: ReportPeriod, teams) -> Table:
    frame = indicator_frame(
        authority=access.authority,
        start=period.start,
        end=period.end,
        by=period.grouping,
        suppress=True,
    )
    rows = lookup(frame)
    risks = indicator_get("unallocated_by_risk").breakdown_values

    def cell(indicator_id: str, ref: str | None, breakdown: str | None = None) -> Cell:
        return figure_cell(rows.get((indicator_id, period.start, ref, breakdown)))

    table_rows = [
        [
            text_cell(name),
            cell("unallocated_at_end", ref),
            *(cell("unallocated_by_risk", ref, risk) for risk in risks),
            cell("unallocated_days", ref),
            cell("unallocated_others_involved", ref),
        ]
        for ref, name in [(None, WHOLE_AUTHORITY), *teams]
    ]
    return Table(
        sheet="Unallocated by team",
        title="Children on a plan without an allocated social worker, by team",
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
        rows=table_rows,
        note=SMALL_NUMBERS_NOTE,
    )


def health_check_build(*, access: ReportAccess, period: ReportPeriod, today: date) -> Report:
    if access.suppress and not period.whole_months:
        raise PeriodError(WHOLE_MONTHS)
    report = report_start(access=access, period=period, today=today)
    authority = access.authority
    teams = teams_shown(authority=authority, team_refs=access.team_refs)
    report.summary.append(SUMMARY.format(end=f"{period.end.day} {period.end:%B %Y}"))
    unallocated = Section("unallocated", "Children on a plan without an allocated social worker")
    if access.child_rows:
        children = unallocated_children(access=access, period=period)
        report.child_refs = children.get_column("child").to_list()
        names = dict(Team.objects.filter(authority=authority).values_list("ref", "name"))
        summary = unallocated_summary(children, end=period.end)
        total = WHOLE_AUTHORITY if access.team_refs is None else ALL_LISTED
        unallocated.add(
            Inset(LOGGED if access.user is not None else OPERATOR_NOT_LOGGED),
            _summary_table(summary, names, total=total),
            _children_table(children, names, end=period.end, links=access.user is not None),
        )
        if access.team_refs is not None:
            unallocated.blocks.insert(
                1,
                Paragraph(
                    "Only the children of your teams are listed (by the child's current team)."
                ),
            )
    else:
        report.summary.append(SMALL_NUMBERS_NOTE)
        unallocated.add(Inset(CHILD_LIST_WITHHELD), _aggregate_table(access, period, teams))
    report.add(unallocated)
    report.add(
        Section("staffing", "Staffing and caseloads").add(
            _staffing_table(
                staffing_by_team(authority=authority, period=period),
                caseloads_by_team(authority=authority, period=period),
                teams,
                suppress=access.suppress,
            )
        )
    )
    return report
