import polars as pl

from ..common import UNALLOCATED, members, unallocated_at_end
from ..context import Context, Frames
from ..registry import Indicator, register

DEFINITION = f"""\
Of the {UNALLOCATED}, the mean number of days unallocated at the end of P: the \
days from the episode's from date to the last day of P (last day of P minus from \
date, so a child unallocated from the last day of P has 0 days). Numerator: the \
total of those days; denominator: the children; value: numerator / denominator. \
No value when no child is unallocated.
Team: the team recorded on the unallocated episode."""


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    return members(
        unallocated_at_end(frames, ctx).lazy(),
        numerator=pl.col("days_unallocated"),
        extra=("from_date", "days_unallocated", "risk"),
    )


INDICATOR = register(
    Indicator(
        id="unallocated_days",
        title="Mean days unallocated, of children on a plan without a social worker",
        kind="mean",
        unit="days",
        definition=DEFINITION,
        denominator_of="unallocated_at_end",
        compute=compute,
        tables=("protection_plan", "unallocated_episode"),
        columns=(
            ("from_date", "Unallocated since"),
            ("days_unallocated", "Days unallocated"),
            ("risk", "Risk"),
        ),
    )
)
