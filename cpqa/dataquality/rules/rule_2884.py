"""2884: an initial conference recorded at both the Section47 and the CINdetails level.

DfE: an initial conference should be recorded at one level only.
cpqa: a conference linked to an enquiry (Section47 level) and another linked only
to an episode (CINdetails level), for the same child, held the same day, in the
same CINdetails group. Both conferences are reported.
"""

import polars as pl

from .base import Frames, RuleContext, combine, findings, register
from .common import EPISODE_LEVEL, SECTION47_LEVEL, icpc_conferences, same_group


@register(
    "2884",
    tables=("conference",),
    fields=("conference.date_held", "conference.section47", "conference.episode"),
)
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    icpc = icpc_conferences(frames)
    enquiry_level = icpc.filter(pl.col("level") == SECTION47_LEVEL)
    episode_level = icpc.filter(pl.col("level") == EPISODE_LEVEL).select(
        "child",
        "date_held",
        pl.col("ref").alias("other"),
        pl.col("episode").alias("other_episode"),
    )
    pairs = enquiry_level.join(episode_level, on=["child", "date_held"], how="inner").filter(
        same_group("episode", "other_episode")
    )
    at_enquiry = findings(
        pairs,
        table="conference",
        field="date_held",
        value=pl.col("date_held"),
        detail=pl.format("also recorded at CIN episode level as conference {}", pl.col("other")),
    )
    at_episode = findings(
        pairs,
        table="conference",
        field="date_held",
        ref=pl.col("other"),
        value=pl.col("date_held"),
        detail=pl.format("also recorded at section 47 level as conference {}", pl.col("ref")),
    )
    return combine(at_enquiry, at_episode)
