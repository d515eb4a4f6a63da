import polars as pl

from ..common import (
    conferences_held,
    gather,
    members,
    plan_source,
    row_numbers,
    rows_of,
    source,
    thresholds,
    working_days,
)
from ..context import Context, Frames
from ..registry import Indicator, register

STANDARD = "first-core-group-within-10-working-days"

DEFINITION = """\
Of the initial conferences in P that are linked to a child protection plan \
(one per plan: the plan's earliest initial conference in P), the percentage \
whose plan's first core group meeting (the earliest core group meeting of that \
plan dated on or after the conference) was held within 10 working days of the \
conference: working days d with conference date < d <= meeting date are 10 or \
fewer. A conference with no such meeting recorded is not within the standard.
The threshold (10) is that of the standard in force on the last day of P.
Team: the plan's team."""


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    plans = plan_source(frames, ctx)
    meetings = source(frames, ctx, "core_group_meeting", ("plan", "date"))

    def build_meetings() -> pl.DataFrame:
        rows = rows_of(meetings.get_column("plan"), plans.get_column("ref"))
        return (
            meetings.select("date")
            .with_columns(rows.alias("p_row"))
            .filter(pl.col("date").is_not_null() & pl.col("p_row").is_not_null())
        )

    dated = ctx.shared("core group meetings with their plans", build_meetings)
    held = (
        conferences_held(frames, ctx, kinds=("initial",))
        .select("period", "ref", "child", "plan", "date_held")
        .join(plans.lazy().select(row_numbers("p_row"), plan="ref"), on="plan", how="inner")
        .sort(["date_held", "ref"])
        .filter(pl.col("p_row").is_first_distinct())
    )
    first = (
        held.select("p_row", "date_held")
        .join(dated.lazy(), on="p_row", how="inner")
        .filter(pl.col("date") >= pl.col("date_held"))
        .group_by("p_row")
        .agg(first_core_group=pl.col("date").min())
    )
    measured = (
        held.join(first, on="p_row", how="left")
        .join(thresholds(ctx, STANDARD), on="period", how="left")
        .filter(pl.col("threshold").is_not_null())
        .with_columns(
            *gather(plans, "p_row", ("team",)),
            working_days=working_days(pl.col("date_held"), pl.col("first_core_group"), ctx),
        )
    )
    return members(
        measured,
        numerator=pl.col("working_days") <= pl.col("threshold"),
        extra=("plan", "date_held", "first_core_group", "working_days"),
    )


INDICATOR = register(
    Indicator(
        id="core_group_within_10_working_days",
        title="First core group within 10 working days of the initial conference",
        kind="percentage",
        definition=DEFINITION,
        compute=compute,
        tables=("conference", "protection_plan", "core_group_meeting"),
        standards=(STANDARD,),
        columns=(
            ("plan", "Plan"),
            ("date_held", "Conference"),
            ("first_core_group", "First core group"),
            ("working_days", "Working days"),
        ),
    )
)
