"""8730: the number of previous plans is missing.

DfE: where a ChildProtectionPlans group is present, NumberOfPreviousCPP must be
present and 0 or more.
cpqa: protection_plan.previous_plans missing or negative.
"""

import polars as pl

from .base import Frames, RuleContext, findings, register


@register("8730", tables=("protection_plan",), fields=("protection_plan.previous_plans",))
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    failing = frames["protection_plan"].filter(
        pl.col("previous_plans").is_null() | (pl.col("previous_plans") < 0)
    )
    return findings(
        failing,
        table="protection_plan",
        field="previous_plans",
        value=pl.col("previous_plans"),
    )
