import polars as pl

from ..common import (
    PLAN_COLUMNS,
    gather,
    members,
    plan_source,
    plans_open_index,
    row_numbers,
    table,
)
from ..context import Context, Frames
from ..registry import Indicator, register

DEFINITION = """\
Count of children on a child protection plan at the end of P (as counted by \
cpp_open_at_end) who were also looked after at the end of P: a looked-after \
episode with a start date on or before the last day of P and no end date or an \
end date after it.
Team: the plan's team."""


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    episodes = table(frames, "looked_after_episode", ["child", "start_date", "end_date"]).filter(
        pl.col("start_date").is_not_null()
    )
    plans = plan_source(frames, ctx)
    # The plans of children ever looked after, then those open at each period's end.
    looked_after_plans = (
        plans.lazy()
        .select(row_numbers("p_row"), "child")
        .join(episodes.select("child").unique(), on="child", how="semi")
    )
    end = pl.col("period_end")
    both = (
        plans_open_index(frames, ctx)
        .lazy()
        .join(looked_after_plans, on="p_row", how="inner")
        .join(ctx.periods_frame().lazy().select("period", "period_end"), on="period")
        .join(episodes, on="child", how="inner")
        .filter(
            (pl.col("start_date") <= end)
            & (pl.col("end_date").is_null() | (pl.col("end_date") > end))
        )
        .group_by("period", "p_row")
        .agg(looked_after_from=pl.col("start_date").max())
        .with_columns(*gather(plans, "p_row", PLAN_COLUMNS))
    )
    return members(both, extra=("start_date", "looked_after_from"))


INDICATOR = register(
    Indicator(
        id="cpp_and_looked_after",
        title="Children both looked after and on a plan",
        kind="count",
        definition=DEFINITION,
        compute=compute,
        tables=("protection_plan", "looked_after_episode"),
        columns=(("start_date", "Plan started"), ("looked_after_from", "Looked after since")),
    )
)
