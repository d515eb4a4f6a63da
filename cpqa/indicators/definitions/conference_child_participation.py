import polars as pl

from cpqa.casework.models import Participation

from ..common import ALL_CONFERENCES, NOT_RECORDED, conferences_held, members, one_of
from ..context import Context, Frames
from ..registry import Indicator, register

CODES = tuple(Participation.values)

DEFINITION = """\
Of the child protection conferences (initial, review and transfer-in) held in P, \
the percentage with each code of the child's participation (CIN census PN0 to \
PN7; "not recorded" where none, or another \
code, is recorded): the numerator is the conferences with that \
code, the denominator every conference held in P, so the percentages of a \
period and team add up to 100.
Team: the conference's team. Breakdown: the participation code."""


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    held = conferences_held(frames, ctx, kinds=ALL_CONFERENCES)
    return members(
        held,
        breakdown=one_of(pl.col("participation"), CODES, NOT_RECORDED),
        extra=("kind", "date_held"),
    )


INDICATOR = register(
    Indicator(
        id="conference_child_participation",
        title="Child participation in conferences, by participation code",
        kind="percentage",
        definition=DEFINITION,
        compute=compute,
        tables=("conference",),
        breakdown="participation code",
        breakdown_values=(*CODES, NOT_RECORDED),
        breakdown_shares=True,
        columns=(("kind", "Conference"), ("date_held", "Held")),
    )
)
