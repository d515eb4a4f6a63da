"""8715: the initial conference must fall within the census year.

DfE: where present, the (Section47) DateOfInitialCPC must be within the census year.
cpqa: a Section47-level initial conference held before the first day or after
the last day (the reference date) of the census year.
"""

import polars as pl

from .base import Frames, RuleContext, findings, register
from .common import SECTION47_LEVEL, icpc_conferences


@register("8715", tables=("conference",), fields=("conference.date_held",))
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    failing = icpc_conferences(frames).filter(
        (pl.col("level") == SECTION47_LEVEL) & ~context.in_year(pl.col("date_held"))
    )
    return findings(
        failing,
        table="conference",
        field="date_held",
        value=pl.col("date_held"),
        detail=pl.lit(f"outside the census year {context.year_start} to {context.reference_date}"),
    )
