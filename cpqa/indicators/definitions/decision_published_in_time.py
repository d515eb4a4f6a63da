import polars as pl

from ..common import PUBLICATION_DEFINITION, publication_members
from ..context import Context, Frames
from ..registry import Indicator, register

STANDARD = "decision-within-1-working-day"
DEFINITION = PUBLICATION_DEFINITION.format(what="decision", n=1, s="")


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    return publication_members(frames, ctx, "decision_published", STANDARD)


INDICATOR = register(
    Indicator(
        id="decision_published_in_time",
        title="Conference decisions published within 1 working day",
        kind="percentage",
        definition=DEFINITION,
        compute=compute,
        tables=("conference",),
        standards=(STANDARD,),
        columns=(
            ("kind", "Conference"),
            ("date_held", "Held"),
            ("decision_published", "Decision published"),
            ("working_days", "Working days"),
        ),
    )
)
