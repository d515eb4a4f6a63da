"""2885: the plan starts on a different day from the initial conference.

DfE: where CPPstartDate falls in the census year it should equal a Section47
DateOfInitialCPC or, where there is no Section47 record, a CINdetails one.
cpqa: a plan starting in the census year passes when an initial (or
transfer-in) conference of the same child, in the same CINdetails group, was
held on the plan's start date, at either level.
"""

import polars as pl

from .base import Frames, RuleContext, findings, register
from .common import icpc_conferences, same_group


@register(
    "2885",
    tables=("protection_plan", "conference"),
    fields=("protection_plan.start_date", "conference.date_held"),
)
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    plans = frames["protection_plan"].filter(context.in_year(pl.col("start_date")))
    icpc = icpc_conferences(frames).select(
        "child", pl.col("date_held").alias("start_date"), pl.col("episode").alias("icpc_episode")
    )
    matched = (
        plans.join(icpc, on=["child", "start_date"], how="inner")
        .filter(same_group("episode", "icpc_episode"))
        .select("ref")
    )
    failing = plans.join(matched, on="ref", how="anti")
    return findings(
        failing,
        table="protection_plan",
        field="start_date",
        value=pl.col("start_date"),
        detail=pl.lit("no initial conference held that day"),
    )
