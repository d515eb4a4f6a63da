"""8842Q: a review record has a missing date.

DfE: where a Reviews group is present, CPPreviewDate should be present.
cpqa: a review conference with no date_held. (Against data held, the census
view leaves out reviews not yet due: see engine.census_view.)
"""

import polars as pl

from .base import Frames, RuleContext, findings, register
from .common import reviews


@register("8842Q", tables=("conference",), fields=("conference.date_held",))
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    failing = reviews(frames).filter(pl.col("date_held").is_null())
    return findings(
        failing,
        table="conference",
        field="date_held",
        value=pl.col("date_held"),
        detail=pl.format("review of plan {}", pl.col("plan").fill_null("not recorded")),
    )
