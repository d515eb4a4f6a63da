"""8832: child protection details for a referral with no further action.

DfE: if a CINdetails group has ReferralNFA true, there should be no child
protection plan module in it.
cpqa: a plan whose episode has referral_nfa true.
"""

import polars as pl

from .base import Frames, RuleContext, findings, register


@register(
    "8832",
    tables=("protection_plan", "cin_episode"),
    fields=("protection_plan.episode", "cin_episode.referral_nfa"),
)
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    nfa = (
        frames["cin_episode"]
        .filter(pl.col("referral_nfa").fill_null(False))
        .select(pl.col("ref").alias("episode"))
    )
    failing = frames["protection_plan"].join(nfa, on="episode", how="semi")
    return findings(
        failing,
        table="protection_plan",
        field="episode",
        value=pl.col("episode"),
        detail=pl.lit("the referral of this episode was recorded as no further action"),
    )
