import polars as pl

from ..common import ALL_CONFERENCES, conferences_held, members
from ..context import Context, Frames
from ..registry import Indicator, register

DEFINITION = """\
Of the child protection conferences (initial, review and transfer-in) held in P, \
the percentage at which the parents attended (recorded as yes; no or not recorded \
counts as not).
Team: the conference's team."""


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    held = conferences_held(frames, ctx, kinds=ALL_CONFERENCES)
    return members(
        held,
        numerator=pl.col("parents_attended").fill_null(False),
        extra=("kind", "date_held", "parents_attended"),
    )


INDICATOR = register(
    Indicator(
        id="conference_parents_attended",
        title="Conferences at which the parents attended",
        kind="percentage",
        definition=DEFINITION,
        compute=compute,
        tables=("conference",),
        columns=(
            ("kind", "Conference"),
            ("date_held", "Held"),
            ("parents_attended", "Parents attended"),
        ),
    )
)
