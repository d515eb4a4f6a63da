import polars as pl

from ..common import PUBLICATION_DEFINITION, publication_members
from ..context import Context, Frames
from ..registry import Indicator, register

STANDARD = "minutes-within-15-working-days"
DEFINITION = PUBLICATION_DEFINITION.format(what="full minutes", n=15, s="s")


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    return publication_members(frames, ctx, "minutes_published", STANDARD)


INDICATOR = register(
    Indicator(
        id="minutes_published_in_time",
        title="Full conference minutes published within 15 working days",
        kind="percentage",
        definition=DEFINITION,
        compute=compute,
        tables=("conference",),
        standards=(STANDARD,),
        columns=(
            ("kind", "Conference"),
            ("date_held", "Held"),
            ("minutes_published", "Minutes published"),
            ("working_days", "Working days"),
        ),
    )
)
