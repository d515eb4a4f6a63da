"""8841: a review cannot be on or before the plan's start date.

DfE: within a ChildProtectionPlans group there should be no CPPreviewDate on or
before the CPPstartDate.
cpqa: a review conference held on or before the start_date of its plan.
"""

import polars as pl

from .base import Frames, RuleContext, findings, register
from .common import reviews


@register(
    "8841",
    tables=("conference", "protection_plan"),
    fields=("conference.date_held", "protection_plan.start_date"),
)
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    plans = frames["protection_plan"].select(
        pl.col("ref").alias("plan"), pl.col("start_date").alias("plan_start")
    )
    failing = (
        reviews(frames)
        .join(plans, on="plan", how="inner")
        .filter(pl.col("date_held") <= pl.col("plan_start"))
    )
    return findings(
        failing,
        table="conference",
        field="date_held",
        value=pl.col("date_held"),
        detail=pl.format("plan {} started on {}", pl.col("plan"), pl.col("plan_start")),
    )
