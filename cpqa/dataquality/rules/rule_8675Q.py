"""8675Q: an enquiry started over 15 working days before the year end, with no conference.

DfE: if DateOfInitialCPC is not present and ICPCnotRequired is false, then
S47ActualStartDate should not be before the ReferenceDate minus 15 working days.
cpqa: an enquiry with no Section47-level initial conference held, not recorded
as needing none (see common.not_required), whose start date is more than 15
working days before the reference date: working days d with
start < d <= reference date number more than 15 (England or Wales bank holidays).
An enquiry started exactly 15 working days before passes. While the census
year is still running (the data stands at a day before the reference date),
the working days are counted to that day instead (RuleContext.counted_to).
"""

import polars as pl

from cpqa.core.workdays import working_days_expr

from .base import Frames, RuleContext, findings, register
from .common import section47_with_icpc

WORKING_DAYS = 15


@register(
    "8675Q",
    tables=("section47", "conference"),
    fields=(
        "section47.start_date",
        "section47.icpc_not_required",
        "section47.outcome",
        "conference.date_held",
    ),
)
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    days = working_days_expr(
        pl.col("start_date"), pl.lit(context.counted_to), region=context.region
    )
    failing = (
        section47_with_icpc(frames)
        .filter(
            pl.col("icpc_date").is_null()
            & ~pl.col("not_required")
            & pl.col("start_date").is_not_null()
        )
        .with_columns(days.alias("working_days"))
        .filter(pl.col("working_days") > WORKING_DAYS)
    )
    return findings(
        failing,
        table="section47",
        field="start_date",
        value=pl.col("start_date"),
        detail=pl.format(
            "{} working days before {} and no initial conference",
            pl.col("working_days"),
            pl.lit(context.counted_to),
        ),
    )
