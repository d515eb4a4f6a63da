import polars as pl

from ..common import members, plans_open_at_end
from ..context import Context, Frames
from ..registry import Indicator, register

DEFINITION = """\
Count of children on a child protection plan at the end of P: children with a \
plan whose start date is on or before the last day of P and which has no end \
date or an end date after the last day of P. A child with more than one such \
plan counts once, with the plan that started last.
Team: the team of that plan."""


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    return members(plans_open_at_end(frames, ctx).lazy(), extra=("start_date", "end_date"))


INDICATOR = register(
    Indicator(
        id="cpp_open_at_end",
        title="Children on a child protection plan at the end of the period",
        kind="count",
        definition=DEFINITION,
        compute=compute,
        tables=("protection_plan",),
        columns=(("start_date", "Plan started"), ("end_date", "Plan ended")),
    )
)
