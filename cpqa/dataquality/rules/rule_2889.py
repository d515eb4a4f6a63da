"""2889: the section 47 enquiry cannot start before the referral date.

DfE: where present, S47ActualStartDate should be on or after CINreferralDate.
cpqa: section47.start_date before the referral_date of the enquiry's episode.
"""

import polars as pl

from .base import Frames, RuleContext, findings, register


@register(
    "2889",
    tables=("section47", "cin_episode"),
    fields=("section47.start_date", "cin_episode.referral_date"),
)
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    episodes = frames["cin_episode"].select(pl.col("ref").alias("episode"), "referral_date")
    failing = (
        frames["section47"]
        .join(episodes, on="episode", how="inner")
        .filter(pl.col("start_date") < pl.col("referral_date"))
    )
    return findings(
        failing,
        table="section47",
        field="start_date",
        value=pl.col("start_date"),
        detail=pl.format(
            "before the referral date {} of CIN episode {}",
            pl.col("referral_date"),
            pl.col("episode"),
        ),
    )
