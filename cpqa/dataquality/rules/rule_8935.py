"""8935: the child has more than one open plan.

DfE: there must be only one ChildProtectionPlans group with no CPPendDate.
cpqa: where a child has two or more plans with no end_date, each of them is
reported (the message is about the child, so plans are counted per child).
"""

import polars as pl

from .base import Frames, RuleContext, findings, register


@register("8935", tables=("protection_plan",), fields=("protection_plan.end_date",))
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    failing = (
        frames["protection_plan"]
        .filter(pl.col("end_date").is_null())
        .with_columns(pl.len().over("child").alias("open_count"))
        .filter(pl.col("open_count") > 1)
    )
    return findings(
        failing,
        table="protection_plan",
        field="end_date",
        value=pl.col("end_date"),
        detail=pl.format("one of {} open plans of this child", pl.col("open_count")),
    )
