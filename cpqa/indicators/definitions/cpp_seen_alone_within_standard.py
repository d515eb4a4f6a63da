import polars as pl

from ..common import VISITS_DEFINITION, VISITS_STANDARD, members, plans_seen
from ..context import Context, Frames
from ..registry import Indicator, register

DEFINITION = VISITS_DEFINITION.format(
    who="seen alone", how=" recorded as seen alone", seen="seen alone"
)


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    seen = plans_seen(frames, ctx).lazy()
    return members(
        seen,
        numerator=pl.col("last_seen_alone").is_not_null() | pl.col("not_yet_due"),
        extra=("start_date", "window_start", "last_seen_alone"),
    )


INDICATOR = register(
    Indicator(
        id="cpp_seen_alone_within_standard",
        title="Children on a plan seen alone within the visiting standard",
        kind="percentage",
        definition=DEFINITION,
        denominator_of="cpp_open_at_end",
        compute=compute,
        tables=("protection_plan", "visit"),
        standards=(VISITS_STANDARD,),
        columns=(
            ("start_date", "Plan started"),
            ("window_start", "Seen alone on or after"),
            ("last_seen_alone", "Last seen alone"),
        ),
    )
)
