"""2883: more plans starting than initial conferences taking place (authority level).

DfE: the number of CPPstartDate in the census year should be no more than the
number of DateOfInitialCPC in the census year, CINdetails and Section47 levels
together.
cpqa: plans with a start date in the census year against initial (and
transfer-in) conferences held in the census year, at either level. One finding
for the authority: no child, no record.
"""

import polars as pl

from .base import Frames, RuleContext, findings, register
from .common import icpc_conferences


@register(
    "2883",
    tables=("protection_plan", "conference"),
    fields=("protection_plan.start_date", "conference.date_held"),
)
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    plans = frames["protection_plan"].filter(context.in_year(pl.col("start_date"))).height
    conferences = icpc_conferences(frames).filter(context.in_year(pl.col("date_held"))).height
    counts = pl.DataFrame({"plans": [plans], "conferences": [conferences]})
    failing = counts.filter(pl.col("plans") > pl.col("conferences"))
    return findings(
        failing,
        table="protection_plan",
        field="start_date",
        child=pl.lit(None, dtype=pl.String),
        ref=pl.lit(None, dtype=pl.String),
        value=pl.format("{} plans started", pl.col("plans")),
        detail=pl.format("{} initial conferences held in the census year", pl.col("conferences")),
    )
