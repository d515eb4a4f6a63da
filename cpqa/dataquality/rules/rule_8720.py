"""8720: the plan's start date is missing or out of the data collection period.

DfE: where a ChildProtectionPlans group is present, CPPstartDate must be present
and on or before the ReferenceDate.
cpqa: a plan with no start_date, or one after the reference date. (A plan that
started before the census year and was still open in it is in the return, so
an early start date passes.)
"""

import polars as pl

from .base import Frames, RuleContext, findings, register


@register("8720", tables=("protection_plan",), fields=("protection_plan.start_date",))
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    failing = frames["protection_plan"].filter(
        pl.col("start_date").is_null() | (pl.col("start_date") > context.reference_date)
    )
    return findings(
        failing,
        table="protection_plan",
        field="start_date",
        value=pl.col("start_date"),
        detail=pl.when(pl.col("start_date").is_null())
        .then(pl.lit("missing"))
        .otherwise(pl.lit(f"after the reference date {context.reference_date}")),
    )
