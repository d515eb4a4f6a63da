"""1105: the plan cannot start before the referral date.

DfE: where present, CPPstartDate must be on or after CINreferralDate.
cpqa: protection_plan.start_date before the referral_date of the plan's episode.
"""

import polars as pl

from .base import Frames, RuleContext, findings, register


@register(
    "1105",
    tables=("protection_plan", "cin_episode"),
    fields=("protection_plan.start_date", "cin_episode.referral_date"),
)
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    episodes = frames["cin_episode"].select(pl.col("ref").alias("episode"), "referral_date")
    failing = (
        frames["protection_plan"]
        .join(episodes, on="episode", how="inner")
        .filter(pl.col("start_date") < pl.col("referral_date"))
    )
    return findings(
        failing,
        table="protection_plan",
        field="start_date",
        value=pl.col("start_date"),
        detail=pl.format(
            "before the referral date {} of CIN episode {}",
            pl.col("referral_date"),
            pl.col("episode"),
        ),
    )
