import polars as pl

from ..common import (
    ALL_CONFERENCES,
    agency_invitations,
    conference_source,
    conferences_held,
    gather,
    item,
    members,
    open_during_periods,
    period_of,
    plan_source,
    row_numbers,
    visit_source,
)
from ..context import Context, Frames
from ..registry import Indicator, register

ITEMS = (
    "decision_date",
    "minutes_date",
    "visit_date",
    "non_attendance_reason",
    "review_date",
)

DEFINITION = """\
For each item of the data-quality work, the percentage of the records where it \
is expected that have it recorded:
decision_date: of the conferences (initial, review and transfer-in) held in P, \
those with the date the decision was published.
minutes_date: of the same conferences, those with the date the minutes were \
published.
visit_date: of the visit records of plans open at any time in P (start on or \
before the last day of P; no end date or an end date on or after its first day) \
that are dated in P or have no date, those with a date. A visit with no date \
counts in every period its plan was open in.
non_attendance_reason: of the agencies invited to the conferences held in P that \
did not attend (attended recorded as no), those with a reason for non-attendance.
review_date: of the review conferences whose date held or, where none is \
recorded, target date is in P, those with the date held. A review with neither \
counts in every period its plan was open in.
Team: the conference's team (decision, minutes, non-attendance reason, review) or \
the plan's team (visit). Breakdown: the item."""

EXTRA = ("date", "record")


def _undated(frame: pl.LazyFrame, frames: Frames, ctx: Context) -> pl.LazyFrame:
    """Records with no date, once for each period their plan (`p_row`) was open in."""
    plans = plan_source(frames, ctx)
    undated = frame.collect()
    with_plans = (
        plans.lazy()
        .select(row_numbers("p_row"), "start_date", "end_date")
        .filter(pl.col("p_row").is_in(undated.get_column("p_row").implode()))
    )
    periods = open_during_periods(with_plans, "start_date", "end_date", ctx).select(
        "p_row", "period"
    )
    return undated.lazy().join(periods, on="p_row", how="inner")


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    held = conferences_held(frames, ctx, kinds=ALL_CONFERENCES).with_columns(
        date=pl.col("date_held"), record=pl.lit("conference")
    )
    decision = members(
        held,
        numerator=pl.col("decision_published").is_not_null(),
        breakdown=item("decision_date", ITEMS),
        extra=EXTRA,
    )
    minutes = members(
        held,
        numerator=pl.col("minutes_published").is_not_null(),
        breakdown=item("minutes_date", ITEMS),
        extra=EXTRA,
    )

    plans = plan_source(frames, ctx)
    visits = visit_source(frames, ctx).lazy().select("ref", "child", "date", "p_row")
    dated = visits.with_columns(period=period_of(pl.col("date"), ctx)).filter(
        pl.col("period").is_not_null()
    )
    undated = _undated(
        visits.filter(pl.col("date").is_null() & pl.col("p_row").is_not_null()), frames, ctx
    )
    visit_rows = pl.concat(
        [
            dated.select("period", "ref", "child", "date", "p_row"),
            undated.select("period", "ref", "child", "date", "p_row"),
        ]
    ).with_columns(*gather(plans, "p_row", ("team",)), record=pl.lit("visit"))
    visit = members(
        visit_rows,
        numerator=pl.col("date").is_not_null(),
        breakdown=item("visit_date", ITEMS),
        extra=EXTRA,
    )

    absent = agency_invitations(frames, ctx).filter(pl.col("attended") == False)  # noqa: E712
    reason = members(
        absent.with_columns(date=pl.col("date_held"), record=pl.lit("attendance")),
        numerator=pl.col("non_attendance_reason").is_not_null(),
        breakdown=item("non_attendance_reason", ITEMS),
        extra=EXTRA,
    )

    conferences = conference_source(frames, ctx)
    reviews = (
        conferences.lazy()
        .select(row_numbers("c_row"), "kind", "plan", "date_held", "target_date")
        .filter(pl.col("kind") == "review")
    )
    placed = reviews.with_columns(
        period=period_of(pl.coalesce("date_held", "target_date"), ctx)
    ).filter(pl.col("period").is_not_null())
    unplaced = _undated(
        reviews.filter(pl.col("date_held").is_null() & pl.col("target_date").is_null()).join(
            plans.lazy().select(row_numbers("p_row"), plan="ref"), on="plan", how="inner"
        ),
        frames,
        ctx,
    )
    review_rows = pl.concat(
        [placed.select("period", "c_row"), unplaced.select("period", "c_row")]
    ).select(
        "period",
        *gather(conferences, "c_row", ("ref", "child", "team", "date_held")),
        record=pl.lit("review"),
    )
    review = members(
        review_rows.with_columns(date=pl.col("date_held")),
        numerator=pl.col("date_held").is_not_null(),
        breakdown=item("review_date", ITEMS),
        extra=EXTRA,
    )
    return pl.concat([decision, minutes, visit, reason, review])


INDICATOR = register(
    Indicator(
        id="data_completeness",
        title="Data completeness, by item",
        kind="percentage",
        definition=DEFINITION,
        compute=compute,
        tables=(
            "conference",
            "conference_attendance",
            "visit",
            "protection_plan",
        ),
        breakdown="item",
        breakdown_values=ITEMS,
        columns=(("record", "Record"), ("date", "Date")),
    )
)
