import polars as pl

from ..common import DURATION_DEFINITION, duration_members
from ..context import Context, Frames
from ..registry import Indicator, register

DEFINITION = DURATION_DEFINITION.format(
    condition="after start + 6 months and before start + 1 year"
)


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    return duration_members(
        frames,
        ctx,
        (pl.col("end_date") > pl.col("plus_6_months"))
        & (pl.col("end_date") < pl.col("plus_1_year")),
    )


INDICATOR = register(
    Indicator(
        id="cpp_ended_6_to_12_months",
        title="Plans ended, lasting more than 6 months and less than a year",
        kind="percentage",
        definition=DEFINITION,
        part_of="cpp_ended",
        denominator_of="cpp_ended",
        compute=compute,
        tables=("protection_plan",),
        columns=(("start_date", "Started"), ("end_date", "Ended")),
    )
)
