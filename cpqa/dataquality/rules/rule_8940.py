"""8940: plans with overlapping dates.

DfE: where a child has more than one ChildProtectionPlans group, the
CPPstartDate of each cannot fall within CPPstartDate to CPPendDate (or to the
ReferenceDate where CPPendDate is not present) of any other.
cpqa: a plan whose start_date falls on or between another plan's start date and
its end date (or the reference date where it is open), both days included, for
the same child. A plan that starts the day after another ends passes; two plans
starting the same day are both reported.
"""

import polars as pl

from .base import Frames, RuleContext, findings, register


@register(
    "8940",
    tables=("protection_plan",),
    fields=("protection_plan.start_date", "protection_plan.end_date"),
)
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    plans = frames["protection_plan"].filter(pl.col("start_date").is_not_null())
    others = plans.select(
        "child",
        pl.col("ref").alias("other"),
        pl.col("start_date").alias("other_start"),
        pl.col("end_date").alias("other_end"),
    )
    failing = (
        plans.select("ref", "child", "start_date")
        .join(others, on="child", how="inner")
        .filter(
            (pl.col("ref") != pl.col("other"))
            & (pl.col("start_date") >= pl.col("other_start"))
            & (
                pl.col("start_date")
                <= pl.col("other_end").fill_null(pl.lit(context.reference_date))
            )
        )
        .sort("ref", "other_start", "other")
        .unique(subset="ref", keep="first", maintain_order=True)
    )
    return findings(
        failing,
        table="protection_plan",
        field="start_date",
        value=pl.col("start_date"),
        detail=pl.format(
            "within plan {} ({} to {})",
            pl.col("other"),
            pl.col("other_start"),
            pl.col("other_end").cast(pl.String).fill_null("open"),
        ),
    )
