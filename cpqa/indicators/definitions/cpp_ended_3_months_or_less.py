import polars as pl

from ..common import DURATION_DEFINITION, duration_members
from ..context import Context, Frames
from ..registry import Indicator, register

DEFINITION = DURATION_DEFINITION.format(condition="on or before start + 3 months")


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    return duration_members(frames, ctx, pl.col("end_date") <= pl.col("plus_3_months"))


INDICATOR = register(
    Indicator(
        id="cpp_ended_3_months_or_less",
        title="Plans ended, lasting 3 months or less",
        kind="percentage",
        definition=DEFINITION,
        part_of="cpp_ended",
        denominator_of="cpp_ended",
        compute=compute,
        tables=("protection_plan",),
        columns=(("start_date", "Started"), ("end_date", "Ended")),
    )
)
