import polars as pl

from cpqa.casework.models import Risk

from ..common import NOT_RECORDED, UNALLOCATED, members, one_of, unallocated_at_end
from ..context import Context, Frames
from ..registry import Indicator, register

RISKS = tuple(Risk.values)

DEFINITION = f"""\
Count of {UNALLOCATED}, by the risk recorded on the episode (low, medium, high; \
"not recorded" where none is). The counts add up to unallocated_at_end.
Team: the team recorded on the unallocated episode. Breakdown: the risk."""


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    return members(
        unallocated_at_end(frames, ctx).lazy(),
        breakdown=one_of(pl.col("risk"), RISKS, NOT_RECORDED),
        extra=("from_date", "days_unallocated"),
    )


INDICATOR = register(
    Indicator(
        id="unallocated_by_risk",
        title="Children on a plan without an allocated social worker, by risk",
        kind="count",
        definition=DEFINITION,
        compute=compute,
        tables=("protection_plan", "unallocated_episode"),
        breakdown="risk",
        breakdown_values=(*RISKS, NOT_RECORDED),
        columns=(("from_date", "Unallocated since"), ("days_unallocated", "Days unallocated")),
        part_of="unallocated_at_end",
    )
)
