import polars as pl

from ..common import in_periods, members, table
from ..context import Context, Frames
from ..registry import Indicator, register

DEFINITION = """\
Of the child protection plans whose start date is in P, the percentage that are \
a second or subsequent plan for the child, however long ago the earlier plan \
was: the recorded number of previous plans (NumberOfPreviousCPP) is 1 or more, \
or the data holds a plan for the same child with an earlier start date (even if \
the recorded number of previous plans is 0).
Team: the plan's team."""


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    plans = table(
        frames, "protection_plan", ["ref", "child", "team", "start_date", "previous_plans"]
    )
    first = plans.group_by("child").agg(first_plan_start=pl.col("start_date").min())
    started = (
        in_periods(plans, "start_date", ctx)
        .join(first, on="child", how="left")
        .with_columns(
            earlier_plan=(pl.col("first_plan_start") < pl.col("start_date")).fill_null(False)
        )
    )
    return members(
        started,
        numerator=(pl.col("previous_plans").fill_null(0) >= 1) | pl.col("earlier_plan"),
        extra=("start_date", "previous_plans", "earlier_plan"),
    )


INDICATOR = register(
    Indicator(
        id="cpp_repeat",
        title="Plans that are a second or subsequent plan",
        kind="percentage",
        definition=DEFINITION,
        denominator_of="cpp_started",
        compute=compute,
        tables=("protection_plan",),
        columns=(
            ("start_date", "Started"),
            ("previous_plans", "Previous plans recorded"),
            ("earlier_plan", "Earlier plan in the data"),
        ),
    )
)
