"""8615: the enquiry's start date must be present and no later than its initial conference.

DfE: within a Section47 group, if DateOfInitialCPC is present then
S47ActualStartDate must be present and on or before it.
cpqa: an enquiry with a Section47-level initial conference held, whose
start_date is missing or later than the conference.
"""

import polars as pl

from .base import Frames, RuleContext, findings, register
from .common import section47_with_icpc


@register(
    "8615",
    tables=("section47", "conference"),
    fields=("section47.start_date", "conference.date_held"),
)
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    failing = section47_with_icpc(frames).filter(
        pl.col("icpc_date").is_not_null()
        & (pl.col("start_date").is_null() | (pl.col("start_date") > pl.col("icpc_date")))
    )
    return findings(
        failing,
        table="section47",
        field="start_date",
        value=pl.col("start_date"),
        detail=pl.format(
            "initial conference {} held on {}", pl.col("icpc_ref"), pl.col("icpc_date")
        ),
    )
