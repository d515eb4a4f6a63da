import polars as pl

from ..common import members, plans_open_at_end
from ..context import Context, Frames
from ..registry import Indicator, register

DEFINITION = """\
The children on a child protection plan at the end of P (cpp_open_at_end) per \
10,000 children aged 0 to 17 in the authority: numerator cpp_open_at_end, \
denominator the authority's child population (Authority.child_population), \
value numerator / denominator x 10,000. No value when the child population is \
not configured.
Whole authority only (the population of a team's area is not known)."""


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    return members(
        plans_open_at_end(frames, ctx).lazy(),
        denominator=False,
        extra=("start_date", "end_date"),
    )


INDICATOR = register(
    Indicator(
        id="cpp_rate_per_10000",
        title="Children on a plan per 10,000 children",
        kind="rate",
        definition=DEFINITION,
        part_of="cpp_open_at_end",
        compute=compute,
        tables=("protection_plan",),
        by_team=False,
        columns=(("start_date", "Plan started"), ("end_date", "Plan ended")),
    )
)
