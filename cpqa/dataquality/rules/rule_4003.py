"""4003: a review held while a CIN plan is open.

DfE: within a CINdetails group, no CPPreviewDate can fall between a
CINPlanStartDate and CINPlanEndDate, unless it equals the CPPendDate.
cpqa: a review conference held on or after a CIN plan's start date and before
its end date (or with the CIN plan still open) in the same CINdetails group,
unless it was held on the day its child protection plan ended (the review that
ends a plan may start a CIN plan the same day).
"""

import polars as pl

from .base import Frames, RuleContext, findings, register
from .common import reviews, same_group


@register(
    "4003",
    tables=("conference", "protection_plan", "cin_plan"),
    fields=(
        "conference.date_held",
        "protection_plan.end_date",
        "cin_plan.start_date",
        "cin_plan.end_date",
    ),
)
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    plans = frames["protection_plan"].select(
        pl.col("ref").alias("plan"),
        pl.col("episode").alias("_plan_episode"),
        pl.col("end_date").alias("plan_end"),
    )
    held = (
        reviews(frames)
        .filter(pl.col("date_held").is_not_null())
        .join(plans, on="plan", how="left")
        .select(
            "ref",
            "child",
            "date_held",
            "plan_end",
            pl.coalesce("episode", "_plan_episode").alias("episode"),
        )
    )
    cin_plans = frames["cin_plan"].select(
        "child",
        pl.col("ref").alias("cin_plan"),
        pl.col("episode").alias("cin_episode"),
        pl.col("start_date").alias("cin_start"),
        pl.col("end_date").alias("cin_end"),
    )
    failing = (
        held.join(cin_plans, on="child", how="inner")
        .filter(
            same_group("episode", "cin_episode")
            & (pl.col("date_held") >= pl.col("cin_start"))
            & (pl.col("cin_end").is_null() | (pl.col("date_held") < pl.col("cin_end")))
            & ~(pl.col("plan_end").is_not_null() & (pl.col("date_held") == pl.col("plan_end")))
        )
        .sort("ref", "cin_start")
        .unique(subset="ref", keep="first", maintain_order=True)
    )
    return findings(
        failing,
        table="conference",
        field="date_held",
        value=pl.col("date_held"),
        detail=pl.format("CIN plan {} open from {}", pl.col("cin_plan"), pl.col("cin_start")),
    )
