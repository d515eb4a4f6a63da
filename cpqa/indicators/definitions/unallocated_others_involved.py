import polars as pl

from ..common import UNALLOCATED, members, unallocated_at_end
from ..context import Context, Frames
from ..registry import Indicator, register

DEFINITION = f"""\
Of the {UNALLOCATED}, the percentage with other staff or agencies actively \
involved (recorded as yes on the episode; no or not recorded counts as not).
Team: the team recorded on the unallocated episode."""


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    return members(
        unallocated_at_end(frames, ctx).lazy(),
        numerator=pl.col("others_involved").fill_null(False),
        extra=("from_date", "days_unallocated", "others_involved"),
    )


INDICATOR = register(
    Indicator(
        id="unallocated_others_involved",
        title="Unallocated children on a plan with other agencies involved",
        kind="percentage",
        definition=DEFINITION,
        denominator_of="unallocated_at_end",
        compute=compute,
        tables=("protection_plan", "unallocated_episode"),
        columns=(
            ("from_date", "Unallocated since"),
            ("days_unallocated", "Days unallocated"),
            ("others_involved", "Others involved"),
        ),
    )
)
