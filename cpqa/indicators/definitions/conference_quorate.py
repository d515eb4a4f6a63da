import numpy as np
import polars as pl

from cpqa.casework.models import Agency

from ..common import (
    ALL_CONFERENCES,
    attendance_at_held,
    conference_source,
    conferences_held,
    gather,
    members,
    one_of,
    thresholds,
)
from ..context import Context, Frames
from ..registry import Indicator, register

STANDARD = "conference-quorum"
CHILDRENS_SOCIAL_CARE = Agency.CHILDRENS_SOCIAL_CARE.value
AGENCIES = tuple(Agency.values)

DEFINITION = """\
Of the child protection conferences (initial, review and transfer-in) held in P, \
the percentage that were quorate: children's social care attended and at least \
two other agencies attended (distinct agencies other than children's social \
care, from the conference's attendance records). A conference with no \
attendance records is counted by its recorded quorate flag (not recorded: not \
quorate).
The threshold (two other agencies) is that of the standard in force on the last \
day of P.
Team: the conference's team."""


def _per_conference(frames: Frames, ctx: Context, rows: int) -> pl.DataFrame:
    """Per conference row: attendance records, whether children's social care attended,
    and how many other agencies (distinct) attended."""
    attendance = (
        attendance_at_held(frames, ctx)
        .select(
            "c_row",
            code=one_of(pl.col("agency"), AGENCIES, Agency.OTHER.value).to_physical(),
            attended=pl.col("attended").fill_null(False),
        )
        .collect()
    )
    c_row = attendance.get_column("c_row").to_numpy().astype(np.int64)
    code = attendance.get_column("code").to_numpy().astype(np.int64)
    attended = attendance.get_column("attended").to_numpy()
    social_care = code == AGENCIES.index(CHILDRENS_SOCIAL_CARE)
    records = np.bincount(c_row, minlength=rows)
    social_care_attended = np.zeros(rows, dtype=bool)
    social_care_attended[c_row[attended & social_care]] = True
    others = attended & ~social_care
    pairs = pl.Series(c_row[others] * len(AGENCIES) + code[others]).unique().to_numpy()
    other_agencies = np.bincount(pairs // len(AGENCIES), minlength=rows)
    return pl.DataFrame(
        {
            "attendance_records": records[:rows],
            "social_care_attended": social_care_attended,
            "other_agencies": other_agencies[:rows],
        }
    )


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    rows = conference_source(frames, ctx).height
    per_conference = ctx.shared("quorum per conference", lambda: _per_conference(frames, ctx, rows))
    held = (
        conferences_held(frames, ctx, kinds=ALL_CONFERENCES)
        .join(thresholds(ctx, STANDARD), on="period", how="left")
        .filter(pl.col("threshold").is_not_null())
        .with_columns(*gather(per_conference, "c_row", per_conference.columns))
    )
    quorate = (
        pl.when(pl.col("attendance_records") > 0)
        .then(pl.col("social_care_attended") & (pl.col("other_agencies") >= pl.col("threshold")))
        .otherwise(pl.col("quorate").fill_null(False))
    )
    return members(
        held,
        numerator=quorate,
        extra=("kind", "date_held", "social_care_attended", "other_agencies"),
    )


INDICATOR = register(
    Indicator(
        id="conference_quorate",
        title="Conferences that were quorate",
        kind="percentage",
        definition=DEFINITION,
        compute=compute,
        tables=("conference", "conference_attendance"),
        standards=(STANDARD,),
        columns=(
            ("kind", "Conference"),
            ("date_held", "Held"),
            ("social_care_attended", "Children's social care attended"),
            ("other_agencies", "Other agencies attending"),
        ),
    )
)
