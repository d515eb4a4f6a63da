"""8839: two or more open enquiries within one CINdetails group.

DfE: within one CINdetails group there must be only one Section47 group with no
DateOfInitialCPC whose ICPCnotRequired is not true.
cpqa: enquiries with no Section47-level initial conference held and not
recorded as needing none (see common.not_required) are open; where a child has
two or more open enquiries in the same episode (or two or more with no episode
recorded), each of them is reported.
"""

import polars as pl

from .base import Frames, RuleContext, findings, register
from .common import section47_with_icpc


@register(
    "8839",
    tables=("section47", "conference"),
    fields=(
        "section47.episode",
        "section47.icpc_not_required",
        "section47.outcome",
        "conference.date_held",
    ),
)
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    failing = (
        section47_with_icpc(frames)
        .filter(pl.col("icpc_date").is_null() & ~pl.col("not_required"))
        .with_columns(pl.len().over("child", "episode").alias("open_count"))
        .filter(pl.col("open_count") > 1)
    )
    return findings(
        failing,
        table="section47",
        field="icpc_not_required",
        value=pl.col("icpc_not_required"),
        detail=pl.format(
            "{} open enquiries (no initial conference, not recorded as not required) "
            "in CIN episode {}",
            pl.col("open_count"),
            pl.col("episode").fill_null("not recorded"),
        ),
    )
