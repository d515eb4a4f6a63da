"""8870Q: the target date for the initial conference should not be a weekend.

DfE: where present, InitialCPCtarget should not be a Saturday or Sunday.
cpqa: section47.icpc_target_date on a Saturday or Sunday. A bank holiday on a
weekday is not a weekend and passes.
"""

import polars as pl

from .base import Frames, RuleContext, findings, register

SATURDAY = 6  # polars: Monday is 1, Sunday is 7


@register("8870Q", tables=("section47",), fields=("section47.icpc_target_date",))
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    failing = frames["section47"].filter(pl.col("icpc_target_date").dt.weekday() >= SATURDAY)
    return findings(
        failing,
        table="section47",
        field="icpc_target_date",
        value=pl.col("icpc_target_date"),
        detail=pl.col("icpc_target_date").dt.strftime("a %A"),
    )
