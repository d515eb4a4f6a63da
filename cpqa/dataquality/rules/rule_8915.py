"""8915: the plan starts after the child's date of death.

DfE: where PersonDeathDate is present, CPPstartDate must be on or before it.
cpqa: protection_plan.start_date later than child.date_of_death.
"""

import polars as pl

from .base import Frames, RuleContext, findings, register


@register(
    "8915",
    tables=("protection_plan", "child"),
    fields=("protection_plan.start_date", "child.date_of_death"),
)
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    deaths = (
        frames["child"]
        .filter(pl.col("date_of_death").is_not_null())
        .select(pl.col("ref").alias("child"), "date_of_death")
    )
    failing = (
        frames["protection_plan"]
        .join(deaths, on="child", how="inner")
        .filter(pl.col("start_date") > pl.col("date_of_death"))
    )
    return findings(
        failing,
        table="protection_plan",
        field="start_date",
        value=pl.col("start_date"),
        detail=pl.format("after the child's date of death {}", pl.col("date_of_death")),
    )
