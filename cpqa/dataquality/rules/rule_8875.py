"""8875: the initial conference cannot be on a weekend.

DfE: where present, DateOfInitialCPC must not be a Saturday or Sunday.
cpqa: an initial (or transfer-in) conference, at either level, held on a
Saturday or Sunday. A bank holiday on a weekday is not a weekend and passes.
"""

import polars as pl

from .base import Frames, RuleContext, findings, register
from .common import icpc_conferences

SATURDAY = 6  # polars: Monday is 1, Sunday is 7


@register("8875", tables=("conference",), fields=("conference.date_held",))
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    failing = icpc_conferences(frames).filter(pl.col("date_held").dt.weekday() >= SATURDAY)
    return findings(
        failing,
        table="conference",
        field="date_held",
        value=pl.col("date_held"),
        detail=pl.col("date_held").dt.strftime("a %A"),
    )
