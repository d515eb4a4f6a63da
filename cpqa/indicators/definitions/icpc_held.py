import polars as pl

from ..common import distinct_initial_conferences, members
from ..context import Context, Frames
from ..registry import Indicator, register

DEFINITION = """\
Count of distinct initial child protection conferences whose date is in P, \
whether recorded against a section 47 enquiry or at referral level. A \
conference is a child and a date: two initial conference records for the same \
child on the same date count once (the one linked to a section 47 enquiry is \
kept). Transfer-in conferences are not initial conferences and are not counted.
Team: the conference's team."""


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    return members(distinct_initial_conferences(frames, ctx), extra=("date_held",))


INDICATOR = register(
    Indicator(
        id="icpc_held",
        title="Initial child protection conferences held",
        kind="count",
        definition=DEFINITION,
        compute=compute,
        tables=("conference",),
        columns=(("date_held", "Conference"),),
    )
)
