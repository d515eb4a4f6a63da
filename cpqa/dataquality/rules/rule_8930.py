"""8930: the plan's end date must fall within the census year.

DfE: if CPPendDate is present it must be within the census year, inclusive.
cpqa: protection_plan.end_date before the first day of the census year or after
the reference date.
"""

import polars as pl

from .base import Frames, RuleContext, findings, register


@register("8930", tables=("protection_plan",), fields=("protection_plan.end_date",))
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    failing = frames["protection_plan"].filter(
        pl.col("end_date").is_not_null() & ~context.in_year(pl.col("end_date"))
    )
    return findings(
        failing,
        table="protection_plan",
        field="end_date",
        value=pl.col("end_date"),
        detail=pl.lit(f"outside the census year {context.year_start} to {context.reference_date}"),
    )
