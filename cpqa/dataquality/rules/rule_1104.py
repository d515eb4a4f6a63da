"""1104: the initial conference cannot be before the referral date.

DfE: where present, DateOfInitialCPC should be on or after CINreferralDate.
cpqa: an initial conference held (at either level) before the referral date of
its episode (the conference's, else its enquiry's, else its plan's episode).
"""

import polars as pl

from .base import Frames, RuleContext, findings, register
from .common import icpc_conferences


@register(
    "1104",
    tables=("conference", "cin_episode"),
    fields=("conference.date_held", "cin_episode.referral_date"),
)
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    episodes = frames["cin_episode"].select(pl.col("ref").alias("episode"), "referral_date")
    failing = (
        icpc_conferences(frames)
        .join(episodes, on="episode", how="inner")
        .filter(pl.col("date_held") < pl.col("referral_date"))
    )
    return findings(
        failing,
        table="conference",
        field="date_held",
        value=pl.col("date_held"),
        detail=pl.format(
            "before the referral date {} of CIN episode {}",
            pl.col("referral_date"),
            pl.col("episode"),
        ),
    )
