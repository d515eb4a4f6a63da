"""8925: the plan's end date is earlier than its start date.

DfE: where present, CPPendDate must be on or after CPPstartDate.
cpqa: protection_plan.end_date before start_date.
"""

import polars as pl

from .base import Frames, RuleContext, findings, register


@register(
    "8925",
    tables=("protection_plan",),
    fields=("protection_plan.start_date", "protection_plan.end_date"),
)
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    failing = frames["protection_plan"].filter(pl.col("end_date") < pl.col("start_date"))
    return findings(
        failing,
        table="protection_plan",
        field="end_date",
        value=pl.col("end_date"),
        detail=pl.format("before the start date {}", pl.col("start_date")),
    )
