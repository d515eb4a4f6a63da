import polars as pl

from ..common import (
    PLAN_COLUMNS,
    conference_source,
    explode_periods,
    first_end_on_or_after,
    gather,
    members,
    plan_source,
    row_numbers,
)
from ..context import Context, Frames
from ..registry import Indicator, register

FIRST = "first-review-within-3-months"
LATER = "later-reviews-within-6-months"

DEFINITION = """\
Of the child protection plans open at the end of P (start <= last day of P, \
and no end date or an end date after it) that started at least 3 months before \
it (start + 3 months <= last day of P), the percentage whose reviews were all in \
time up to the end of P. The reviews counted are the plan's review conferences \
held after its start date and on or before the last day of P (two on the same \
date count once). The first review is due by start + 3 months; each later \
review is due by the previous review + 6 months ("d + n months" is the same day \
n months later, clamped to the last day of the month). A review held on its due \
date is in time. A plan is not in time if any review counted was held after its \
due date, or if a due date on or before the last day of P passed with no review \
held by it (the last day of P included: the day has ended by the end of P).
The thresholds (3 and 6 months) are those of the standards in force on the last \
day of P.
Team: the plan's team."""


def _in_time(
    plans: pl.LazyFrame, reviews: pl.DataFrame, first: int, later: int, ctx: Context
) -> pl.LazyFrame:
    """Plan-periods with whether the plan's reviews were in time, for one pair of thresholds.

    Each plan's time is cut into segments: from its start to its first review,
    then from each review to the next. In a segment the last review held (if
    any), whether any review so far was late, and the next due date are fixed;
    a segment covers the periods whose last day falls in it.
    """
    first_due, later_due = f"{first}mo", f"{later}mo"
    held = pl.col("date_held")
    # Reviews are sorted by plan and date: neighbours of the same plan, without grouping.
    first_of_plan = (pl.col("p_row") != pl.col("p_row").shift(1)).fill_null(True)
    last_of_plan = (pl.col("p_row") != pl.col("p_row").shift(-1)).fill_null(True)
    late = pl.col("late").cast(pl.Int64)
    late_before_plan = pl.when(first_of_plan).then(late.cum_sum() - late).forward_fill()
    chain = (
        reviews.lazy()
        .with_columns(
            first_of_plan=first_of_plan,
            due=pl.when(first_of_plan)
            .then(pl.col("start_date").dt.offset_by(first_due))
            .otherwise(held.shift(1).dt.offset_by(later_due)),
            segment_to=pl.when(~last_of_plan).then(held.shift(-1)),
        )
        .with_columns(late=held > pl.col("due"))
        .with_columns(late_so_far=(late.cum_sum() - late_before_plan) > 0)
    )
    after_review = chain.select(
        "p_row",
        segment_from=held,
        segment_to="segment_to",
        late_so_far="late_so_far",
        next_due=held.dt.offset_by(later_due),
        last_review=held,
    )
    first_review = chain.filter(pl.col("first_of_plan")).select("p_row", segment_to=held)
    before_any = (
        plans.select(
            "p_row",
            segment_from="start_date",
            next_due=pl.col("start_date").dt.offset_by(first_due),
        )
        .join(first_review, on="p_row", how="left")
        .select(
            "p_row",
            "segment_from",
            "segment_to",
            late_so_far=pl.lit(False),
            next_due="next_due",
            last_review=pl.lit(None, pl.Date),
        )
    )
    segments = pl.concat([before_any, after_review], how="vertical_relaxed").join(
        plans.select("p_row", "start_date", "end_date"), on="p_row", how="inner"
    )
    # In the denominator from the period whose end is on or after start + first months.
    from_ = pl.max_horizontal(pl.col("segment_from"), pl.col("start_date").dt.offset_by(first_due))
    to = pl.min_horizontal(
        first_end_on_or_after(pl.col("segment_to"), ctx),
        first_end_on_or_after(pl.col("end_date"), ctx),
    )
    return explode_periods(
        segments.select("p_row", "late_so_far", "next_due", "last_review", from_=from_, to=to),
        first_end_on_or_after(pl.col("from_"), ctx),
        pl.col("to"),
    ).drop("from_", "to")


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    source = plan_source(frames, ctx)
    plans = (
        source.lazy()
        .select(row_numbers("p_row"), plan="ref", start_date="start_date", end_date="end_date")
        .filter(pl.col("start_date").is_not_null())
    )
    reviews = (
        conference_source(frames, ctx)
        .lazy()
        .filter(
            (pl.col("kind") == "review")
            & pl.col("plan").is_not_null()
            & pl.col("date_held").is_not_null()
        )
        .select("plan", "date_held")
        .join(plans.select("p_row", "plan", "start_date"), on="plan", how="inner")
        .filter(pl.col("date_held") > pl.col("start_date"))
        .select("p_row", "start_date", "date_held")
        .unique(["p_row", "date_held"])
        .sort(["p_row", "date_held"])
        .collect()
    )
    terms = ctx.threshold_frame(FIRST, LATER).rename(
        {f"threshold_{FIRST}": "first", f"threshold_{LATER}": "later"}
    )
    parts = []
    pairs = terms.drop_nulls(["first", "later"]).group_by(["first", "later"]).agg("period")
    for first, later, periods in pairs.iter_rows():
        parts.append(
            _in_time(plans, reviews, first, later, ctx).filter(pl.col("period").is_in(periods))
        )
    if not parts:  # no standard in force in any period: nothing is measured
        parts.append(_in_time(plans, reviews, 3, 6, ctx).filter(pl.lit(False)))
    measured = (
        pl.concat(parts)
        .join(terms.lazy().select("period", "period_end"), on="period", how="left")
        .with_columns(
            *gather(source, "p_row", PLAN_COLUMNS),
            in_time=~pl.col("late_so_far") & (pl.col("next_due") > pl.col("period_end")),
        )
    )
    return members(
        measured,
        numerator=pl.col("in_time"),
        extra=("start_date", "last_review", "next_due", "late_so_far"),
    )


INDICATOR = register(
    Indicator(
        id="cpp_reviewed_in_time",
        title="Plans whose reviews were all in time",
        kind="percentage",
        definition=DEFINITION,
        compute=compute,
        tables=("protection_plan", "conference"),
        standards=(FIRST, LATER),
        columns=(
            ("start_date", "Plan started"),
            ("last_review", "Last review by the end of the period"),
            ("next_due", "Next review due"),
            ("late_so_far", "A review was late"),
        ),
    )
)
