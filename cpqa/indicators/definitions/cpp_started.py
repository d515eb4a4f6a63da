import polars as pl

from ..common import in_periods, members, table
from ..context import Context, Frames
from ..registry import Indicator, register

DEFINITION = """\
Count of child protection plans whose start date is in P.
Team: the plan's team."""


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    plans = table(frames, "protection_plan", ["ref", "child", "team", "start_date"])
    return members(in_periods(plans, "start_date", ctx), extra=("start_date",))


INDICATOR = register(
    Indicator(
        id="cpp_started",
        title="Child protection plans started",
        kind="count",
        definition=DEFINITION,
        compute=compute,
        tables=("protection_plan",),
        columns=(("start_date", "Started"),),
    )
)
