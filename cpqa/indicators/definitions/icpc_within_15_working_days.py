import polars as pl

from ..common import distinct_initial_conferences, members, table, working_days
from ..context import Context, Frames
from ..registry import Indicator, register

STANDARD = "icpc-within-15-working-days"

DEFINITION = """\
Of the initial conferences in P (as counted by icpc_held) that are linked to a \
section 47 enquiry with a start date on or before the conference date, the \
percentage held within 15 working days of that start date: the number of \
working days d with start < d <= conference date is 15 or fewer. Working days \
are Monday to Friday less the bank holidays of the authority's nation; an \
enquiry started on a Saturday has the Monday after as its first working day. \
Conferences dated before their enquiry's start are excluded here and reported \
by validation.
The threshold (15) is that of the standard in force on the last day of P.
Team: the conference's team."""


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    enquiries = table(frames, "section47", ["ref", "start_date"]).rename(
        {"ref": "section47", "start_date": "s47_start"}
    )
    thresholds = (
        ctx.threshold_frame(STANDARD).lazy().select("period", threshold=f"threshold_{STANDARD}")
    )
    linked = (
        distinct_initial_conferences(frames, ctx)
        .join(enquiries, on="section47", how="inner")
        .filter(pl.col("s47_start").is_not_null() & (pl.col("s47_start") <= pl.col("date_held")))
        .join(thresholds, on="period", how="left")
        .filter(pl.col("threshold").is_not_null())
        .with_columns(working_days=working_days(pl.col("s47_start"), pl.col("date_held"), ctx))
    )
    return members(
        linked,
        numerator=pl.col("working_days") <= pl.col("threshold"),
        extra=("section47", "s47_start", "date_held", "working_days"),
    )


INDICATOR = register(
    Indicator(
        id="icpc_within_15_working_days",
        title="Initial conferences within 15 working days of the strategy discussion",
        kind="percentage",
        definition=DEFINITION,
        compute=compute,
        tables=("conference", "section47"),
        standards=(STANDARD,),
        columns=(
            ("section47", "Section 47 enquiry"),
            ("s47_start", "Strategy discussion"),
            ("date_held", "Conference"),
            ("working_days", "Working days"),
        ),
    )
)
