import polars as pl

from ..common import DURATION_DEFINITION, duration_members
from ..context import Context, Frames
from ..registry import Indicator, register

DEFINITION = DURATION_DEFINITION.format(condition="on or after start + 2 years")


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    return duration_members(frames, ctx, pl.col("end_date") >= pl.col("plus_2_years"))


INDICATOR = register(
    Indicator(
        id="cpp_ended_2_years_or_more",
        title="Plans ended, lasting 2 years or more",
        kind="percentage",
        definition=DEFINITION,
        part_of="cpp_ended",
        denominator_of="cpp_ended",
        compute=compute,
        tables=("protection_plan",),
        columns=(("start_date", "Started"), ("end_date", "Ended")),
    )
)
