"""8565: activity shown after a case has been closed.

DfE: where CINclosureDate is present it must be on or after every one of these
that is present: AssessmentActualStartDate, AssessmentAuthorisationDate,
S47ActualStartDate, DateOfInitialCPC, CPPendDate, CINPlanStartDate,
CINPlanEndDate.
cpqa: for each episode with a closure date, every date of those kinds in the
episode (assessments, enquiries, initial conferences at either level, plan end
dates, CIN plans) that is later than the closure date. The record holding the
later date is reported.
"""

import polars as pl

from .base import Frames, RuleContext, empty_findings, findings, register
from .common import icpc_conferences

ACTIVITY: tuple[tuple[str, str], ...] = (
    ("assessment", "start_date"),
    ("assessment", "authorisation_date"),
    ("section47", "start_date"),
    ("protection_plan", "end_date"),
    ("cin_plan", "start_date"),
    ("cin_plan", "end_date"),
)


def _activity(frames: Frames) -> pl.DataFrame:
    parts = [
        frames[table].select(
            "child",
            "episode",
            pl.lit(table).alias("table"),
            "ref",
            pl.lit(field).alias("field"),
            pl.col(field).alias("day"),
        )
        for table, field in ACTIVITY
    ]
    parts.append(
        icpc_conferences(frames).select(
            "child",
            "episode",
            pl.lit("conference").alias("table"),
            "ref",
            pl.lit("date_held").alias("field"),
            pl.col("date_held").alias("day"),
        )
    )
    return pl.concat(parts, how="vertical").filter(pl.col("day").is_not_null())


@register(
    "8565",
    tables=("cin_episode", "assessment", "section47", "protection_plan", "cin_plan", "conference"),
    fields=(
        "cin_episode.closure_date",
        "assessment.start_date",
        "assessment.authorisation_date",
        "section47.start_date",
        "conference.date_held",
        "protection_plan.end_date",
        "cin_plan.start_date",
        "cin_plan.end_date",
    ),
)
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    closed = (
        frames["cin_episode"]
        .filter(pl.col("closure_date").is_not_null())
        .select(pl.col("ref").alias("episode"), "closure_date")
    )
    failing = (
        _activity(frames)
        .join(closed, on="episode", how="inner")
        .filter(pl.col("day") > pl.col("closure_date"))
        .sort("table", "ref", "field")
    )
    parts = [
        findings(
            group,
            table=table,
            field=field,
            value=pl.col("day"),
            detail=pl.format(
                "after CIN episode {} was closed on {}", pl.col("episode"), pl.col("closure_date")
            ),
        )
        for (table, field), group in failing.group_by(["table", "field"], maintain_order=True)
    ]
    return pl.concat(parts, how="vertical") if parts else empty_findings()
