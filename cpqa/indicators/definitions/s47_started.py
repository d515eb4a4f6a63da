import polars as pl

from ..common import in_periods, members, table
from ..context import Context, Frames
from ..registry import Indicator, register

DEFINITION = """\
Count of section 47 enquiries whose start date (the date of the strategy \
discussion that started the enquiry) is in P.
Team: the enquiry's team."""


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    enquiries = table(frames, "section47", ["ref", "child", "team", "start_date"])
    return members(in_periods(enquiries, "start_date", ctx), extra=("start_date",))


INDICATOR = register(
    Indicator(
        id="s47_started",
        title="Section 47 enquiries started",
        kind="count",
        definition=DEFINITION,
        compute=compute,
        tables=("section47",),
        columns=(("start_date", "Started"),),
    )
)
