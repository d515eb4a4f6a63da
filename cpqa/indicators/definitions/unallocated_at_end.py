import polars as pl

from ..common import UNALLOCATED, members, unallocated_at_end
from ..context import Context, Frames
from ..registry import Indicator, register

DEFINITION = f"""\
Count of {UNALLOCATED}.
Team: the team recorded on the unallocated episode."""


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    return members(
        unallocated_at_end(frames, ctx).lazy(), extra=("from_date", "days_unallocated", "risk")
    )


INDICATOR = register(
    Indicator(
        id="unallocated_at_end",
        title="Children on a plan without an allocated social worker",
        kind="count",
        definition=DEFINITION,
        compute=compute,
        tables=("protection_plan", "unallocated_episode"),
        columns=(
            ("from_date", "Unallocated since"),
            ("days_unallocated", "Days unallocated"),
            ("risk", "Risk"),
        ),
    )
)
