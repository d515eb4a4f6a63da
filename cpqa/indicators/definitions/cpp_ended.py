import polars as pl

from ..common import in_periods, members, table
from ..context import Context, Frames
from ..registry import Indicator, register

DEFINITION = """\
Count of child protection plans whose end date is in P.
Team: the plan's team."""


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    plans = table(frames, "protection_plan", ["ref", "child", "team", "start_date", "end_date"])
    return members(in_periods(plans, "end_date", ctx), extra=("start_date", "end_date"))


INDICATOR = register(
    Indicator(
        id="cpp_ended",
        title="Child protection plans ended",
        kind="count",
        definition=DEFINITION,
        compute=compute,
        tables=("protection_plan",),
        columns=(("start_date", "Started"), ("end_date", "Ended")),
    )
)
