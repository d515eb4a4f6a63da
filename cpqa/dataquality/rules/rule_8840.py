"""8840: a plan cannot start and end on the same day.

DfE: where present, CPPendDate must not be the same as CPPstartDate.
cpqa: protection_plan.end_date equal to start_date.
"""

import polars as pl

from .base import Frames, RuleContext, findings, register


@register(
    "8840",
    tables=("protection_plan",),
    fields=("protection_plan.start_date", "protection_plan.end_date"),
)
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    failing = frames["protection_plan"].filter(pl.col("end_date") == pl.col("start_date"))
    return findings(
        failing,
        table="protection_plan",
        field="end_date",
        value=pl.col("end_date"),
        detail=pl.lit("the same day as the start date"),
    )
