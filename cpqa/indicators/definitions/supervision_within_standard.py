import polars as pl

from ..common import in_periods, members, table
from ..context import Context, Frames
from ..registry import Indicator, register

STANDARD = "supervision-every-4-weeks"

DEFINITION = """\
Of the supervision sessions held in P that follow an earlier session of the same \
worker (sessions on the same day count once), the percentage held within 4 weeks \
of that previous session: the session date minus the previous session's date is \
28 days or fewer. A worker's first session in the data is not measured. A gap \
shows as a late session when the next session is held.
The threshold (4 weeks) is that of the standard in force on the last day of P.
Team: the worker's team. Not about a child: the drill-down lists sessions."""


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    workers = table(frames, "professional", ["ref", "team"]).rename({"ref": "worker"})
    thresholds = (
        ctx.threshold_frame(STANDARD).lazy().select("period", threshold=f"threshold_{STANDARD}")
    )
    sessions = (
        table(frames, "supervision_record", ["ref", "worker", "date"])
        .filter(pl.col("date").is_not_null())
        .sort(["worker", "date", "ref"])
        .unique(["worker", "date"], keep="first", maintain_order=True)
        .with_columns(
            previous=pl.when(pl.col("worker") == pl.col("worker").shift(1)).then(
                pl.col("date").shift(1)
            )
        )
        .filter(pl.col("previous").is_not_null())
    )
    measured = (
        in_periods(sessions, "date", ctx)
        .join(workers, on="worker", how="left")
        .join(thresholds, on="period", how="left")
        .filter(pl.col("threshold").is_not_null())
        .with_columns(days_since=(pl.col("date") - pl.col("previous")).dt.total_days())
    )
    return members(
        measured,
        numerator=pl.col("days_since") <= pl.col("threshold") * 7,
        child=pl.lit(None, pl.String),
        extra=("worker", "previous", "date", "days_since"),
    )


INDICATOR = register(
    Indicator(
        id="supervision_within_standard",
        title="Supervision sessions within 4 weeks of the previous one",
        kind="percentage",
        definition=DEFINITION,
        compute=compute,
        tables=("supervision_record", "professional"),
        standards=(STANDARD,),
        columns=(
            ("worker", "Worker"),
            ("previous", "Previous session"),
            ("date", "Session"),
            ("days_since", "Days since previous"),
        ),
    )
)
