"""8740: an enquiry with no initial conference by the end of the year must start in the year.

DfE: if a Section47 group has no DateOfInitialCPC and ICPCnotRequired is false,
S47ActualStartDate must be on or between the first day of the census year and
the ReferenceDate.
cpqa: an enquiry with no Section47-level initial conference held on or before
the reference date, not recorded as needing none (see common.not_required),
whose start_date is recorded and outside the census year.
"""

import polars as pl

from .base import Frames, RuleContext, findings, register
from .common import section47_with_icpc


@register(
    "8740",
    tables=("section47", "conference"),
    fields=(
        "section47.start_date",
        "section47.icpc_not_required",
        "section47.outcome",
        "conference.date_held",
    ),
)
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    failing = section47_with_icpc(frames).filter(
        (pl.col("icpc_date").is_null() | (pl.col("icpc_date") > context.reference_date))
        & ~pl.col("not_required")
        & pl.col("start_date").is_not_null()
        & ~context.in_year(pl.col("start_date"))
    )
    return findings(
        failing,
        table="section47",
        field="start_date",
        value=pl.col("start_date"),
        detail=pl.lit(
            f"outside the census year {context.year_start} to {context.reference_date}"
            " and no initial conference by its end"
        ),
    )
