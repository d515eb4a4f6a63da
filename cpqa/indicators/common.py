"""Building blocks the indicator definitions share: pure polars, no database.

Periods are placed by looking dates up in small per-day tables (built once per
context with numpy's binary search over the period starts and ends), so every
record is matched to its periods in one vectorised pass, however many periods
there are.

What several indicators share (the conferences held in each period, the
children on a plan at the end of each period, the attendance at those
conferences...) is worked out once per context and kept as row numbers into
the tables, not as copies; each indicator then takes (gathers) only the columns
it needs. Teams, conference kinds and agencies are held as categoricals, so that
grouping by them is cheap.
"""

from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
import polars as pl

from cpqa.casework.schema import empty_frame
from cpqa.core.workdays import bank_holidays

from .context import Context, Frames

NOT_RECORDED = "not recorded"
ONE = pl.lit(1, pl.Int64)
ALL_CONFERENCES = ("initial", "review", "transfer_in")

# While set (see engine.columns_needed), the columns each table is read for.
_reading: ContextVar[dict[str, set[str]] | None] = ContextVar("reading", default=None)


def _record(name: str, columns: Iterable[str]) -> None:
    reading = _reading.get()
    if reading is not None:
        reading.setdefault(name, set()).update(columns)


def _frame(frames: Frames, name: str) -> pl.DataFrame | pl.LazyFrame:
    frame = frames.get(name)
    return empty_frame(name) if frame is None else frame


def table(frames: Frames, name: str, columns: list[str] | tuple[str, ...]) -> pl.LazyFrame:
    """A fact table's frame (empty if not given), lazy, with only the columns asked for."""
    _record(name, columns)
    return _frame(frames, name).lazy().select(columns)


def source(
    frames: Frames,
    ctx: Context,
    name: str,
    columns: tuple[str, ...],
    categorical: tuple[str, ...] = (),
) -> pl.DataFrame:
    """A table as an eager frame with these columns, some cast to categorical; once per context."""
    _record(name, columns)

    def build() -> pl.DataFrame:
        frame = _frame(frames, name).lazy().select(columns)
        if categorical:
            frame = frame.with_columns(pl.col(categorical).cast(pl.Categorical))
        return frame.collect()

    return ctx.shared(f"source {name} {columns} {categorical}", build)


def gather(frame: pl.DataFrame, row: str, columns: Iterable[str]) -> list[pl.Expr]:
    """Expressions taking columns of an eager frame at the row numbers in column `row`."""
    return [
        pl.lit(frame.get_column(column)).gather(pl.col(row)).alias(column) for column in columns
    ]


def row_numbers(name: str) -> pl.Expr:
    return pl.int_range(pl.len(), dtype=pl.UInt32).alias(name)


# Above this many refs, match by 64-bit hash first (then check the text), which is
# much cheaper than building a hash table of the text itself.
MATCH_BY_HASH_FROM = 1_000_000


def rows_of(keys: pl.Series, refs: pl.Series) -> pl.Series:
    """For each key (e.g. a visit's plan), the row of the equal ref (UInt32; null if none).

    Refs are unique (as the canonical schema requires). Runs of equal keys (the
    records of one conference are usually stored together) are matched once.
    """
    starts = (keys != keys.shift(1)).fill_null(True)
    run = starts.cast(pl.UInt32).cum_sum() - 1
    firsts = pl.DataFrame({"key": keys.filter(starts)}).with_row_index("run").lazy()
    targets = pl.DataFrame({"target": refs}).with_row_index("row").lazy()
    if len(refs) >= MATCH_BY_HASH_FROM:
        matched = (
            firsts.with_columns(hash=pl.col("key").hash())
            .join(targets.with_columns(hash=pl.col("target").hash()), on="hash", how="inner")
            .filter(pl.col("key") == pl.col("target"))
        )
    else:
        matched = firsts.join(targets, left_on="key", right_on="target", how="inner")
    matched = matched.select("run", "row").collect()
    by_run = np.full(int(starts.sum()), -1, dtype=np.int64)
    by_run[matched.get_column("run").to_numpy()] = matched.get_column("row").to_numpy()
    found = pl.Series("row", by_run)
    return found.set(found < 0, None).cast(pl.UInt32).gather(run)


# --- Periods ----------------------------------------------------------------------


@dataclass(frozen=True)
class _DayTables:
    """Per day from the first period's start to the last period's end, with a day either
    side for "before" and "after": the answers of the period functions below."""

    first_day: int  # days since 1970-01-01 of the first period's start
    days: int
    period: pl.Series  # the period holding the day, or null
    first_end_on_or_after: pl.Series
    first_start_after: pl.Series


def _day_tables(ctx: Context) -> _DayTables:
    def build() -> _DayTables:
        starts = ctx.starts.to_numpy().astype("datetime64[D]").astype(np.int64)
        ends = ctx.ends.to_numpy().astype("datetime64[D]").astype(np.int64)
        first, last = int(starts[0]), int(ends[-1])
        days = last - first + 1
        every = np.arange(first - 1, last + 2)  # the day before, each day, the day after
        holding = np.searchsorted(starts, every, side="right") - 1
        inside = (holding >= 0) & (every <= ends[np.clip(holding, 0, len(ends) - 1)])
        return _DayTables(
            first_day=first,
            days=days,
            period=pl.Series(np.where(inside, holding, -1)).cast(pl.Int64).replace(-1, None),
            first_end_on_or_after=pl.Series(np.searchsorted(ends, every, side="left")),
            first_start_after=pl.Series(np.searchsorted(starts, every, side="right")),
        )

    return ctx.shared("day tables", build)


def _look_up(day: pl.Expr, column: pl.Series, tables: _DayTables) -> pl.Expr:
    """The table's value for each date (dates before or after the periods read the
    entries either side)."""
    position = (day.cast(pl.Int64) - tables.first_day + 1).clip(0, tables.days + 1)
    return pl.lit(column).gather(position)


def period_of(day: pl.Expr, ctx: Context) -> pl.Expr:
    """The index (UInt32) of the period holding the date, or null if none does."""
    tables = _day_tables(ctx)
    inside = day.is_between(ctx.periods[0].start, ctx.periods[-1].end)
    return pl.when(inside).then(_look_up(day, tables.period, tables)).cast(pl.UInt32)


def in_periods(frame: pl.LazyFrame, day: str, ctx: Context) -> pl.LazyFrame:
    """The rows whose `day` is in one of the periods, with their `period`."""
    return frame.with_columns(period=period_of(pl.col(day), ctx)).filter(
        pl.col("period").is_not_null()
    )


def first_end_on_or_after(day: pl.Expr, ctx: Context) -> pl.Expr:
    """Index of the first period whose end is on or after the date (n if none; n if null)."""
    tables = _day_tables(ctx)
    found = _look_up(day, tables.first_end_on_or_after, tables).cast(pl.Int64)
    return found.fill_null(len(ctx.periods))


def first_start_after(day: pl.Expr, ctx: Context) -> pl.Expr:
    """Index of the first period starting after the date (n if none; n if null)."""
    tables = _day_tables(ctx)
    found = _look_up(day, tables.first_start_after, tables).cast(pl.Int64)
    return found.fill_null(len(ctx.periods))


def explode_periods(frame: pl.LazyFrame, low: pl.Expr, high: pl.Expr) -> pl.LazyFrame:
    """One row per period index in [low, high) for each row (none where high <= low).

    Worked out eagerly in one pass: the rows are repeated with numpy, which is
    cheaper than building a list per row and exploding it.
    """
    ranged = (
        frame.with_columns(_low=low.cast(pl.Int64), _high=high.cast(pl.Int64))
        .filter(pl.col("_high") > pl.col("_low"))
        .collect()
    )
    low_values = ranged.get_column("_low").to_numpy()
    counts = ranged.get_column("_high").to_numpy() - low_values
    rows = np.repeat(np.arange(ranged.height), counts)
    within = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
    period = (low_values[rows] + within).astype(np.uint32)
    repeated = ranged.drop("_low", "_high")
    if len(rows) != ranged.height:
        repeated = repeated[rows]
    return repeated.with_columns(period=pl.Series("period", period, pl.UInt32)).lazy()


def open_at_period_ends(frame: pl.LazyFrame, start: str, end: str, ctx: Context) -> pl.LazyFrame:
    """One row per period whose last day e has start <= e and (no end or end > e)."""
    frame = frame.filter(pl.col(start).is_not_null())
    return explode_periods(
        frame,
        first_end_on_or_after(pl.col(start), ctx),
        first_end_on_or_after(pl.col(end), ctx),
    )


def open_during_periods(frame: pl.LazyFrame, start: str, end: str, ctx: Context) -> pl.LazyFrame:
    """One row per period that the record overlaps: start <= period end and
    (no end or end >= period start)."""
    frame = frame.filter(pl.col(start).is_not_null())
    return explode_periods(
        frame,
        first_end_on_or_after(pl.col(start), ctx),
        first_start_after(pl.col(end), ctx),
    )


def with_period_dates(frame: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Add period_start and period_end from the period index."""
    return frame.with_columns(
        period_start=pl.lit(ctx.starts).gather(pl.col("period")),
        period_end=pl.lit(ctx.ends).gather(pl.col("period")),
    )


def thresholds(ctx: Context, standard: str) -> pl.LazyFrame:
    """Per period, the threshold of the standard in force on its last day (`threshold`)."""
    return ctx.threshold_frame(standard).lazy().select("period", threshold=f"threshold_{standard}")


# --- Working days -----------------------------------------------------------------

INDEX_FIRST, INDEX_LAST = date(1900, 1, 1), date(2100, 12, 31)


@cache
def _working_day_index(region: str) -> tuple[int, pl.Series]:
    """Per day from INDEX_FIRST, the number of working days up to and including it."""
    days = np.arange(np.datetime64(INDEX_FIRST), np.datetime64(INDEX_LAST) + 1)
    holidays = np.array(bank_holidays(region), dtype="datetime64[D]")
    cumulative = np.cumsum(np.is_busday(days, holidays=holidays)).astype(np.int64)
    return int(days[0].astype(np.int64)), pl.Series("working_days", cumulative)


def working_days(start: pl.Expr, end: pl.Expr, ctx: Context) -> pl.Expr:
    """Working days d with start < d <= end (negative when end is before start).

    The same count as cpqa.core.workdays.working_days_between, read from a table
    of cumulative working days: the count up to end less the count up to start.
    (polars' business_day_count with a list of holidays is far slower.) Null
    outside 1900 to 2100.
    """
    offset, cumulative = _working_day_index(ctx.region)
    last = len(cumulative) - 1
    start_index = start.cast(pl.Int64) - offset
    end_index = end.cast(pl.Int64) - offset
    inside = start_index.is_between(0, last) & end_index.is_between(0, last)
    lookup = pl.lit(cumulative)
    return (
        pl.when(inside)
        .then(lookup.gather(end_index.clip(0, last)) - lookup.gather(start_index.clip(0, last)))
        .otherwise(None)
        .cast(pl.Int64)
    )


# --- Members ----------------------------------------------------------------------


def members(
    frame: pl.LazyFrame,
    *,
    numerator: pl.Expr | None = None,
    denominator: bool = True,
    team: pl.Expr | None = None,
    breakdown: pl.Expr | None = None,
    ref: pl.Expr | None = None,
    child: pl.Expr | None = None,
    extra: tuple[str, ...] = (),
) -> pl.LazyFrame:
    """Shape a frame of records into the members contract (see registry.py).

    Team, breakdown, ref and child keep their type (text, categorical or enum).
    """
    return frame.select(
        pl.col("period").cast(pl.UInt32),
        (team if team is not None else pl.col("team")).alias("team"),
        (breakdown if breakdown is not None else pl.lit(None, pl.String)).alias("breakdown"),
        (ref if ref is not None else pl.col("ref")).alias("ref"),
        (child if child is not None else pl.col("child")).alias("child"),
        (numerator if numerator is not None else ONE)
        .fill_null(False)
        .cast(pl.Int64)
        .alias("numerator"),
        (ONE if denominator else pl.lit(None)).cast(pl.Int64).alias("denominator"),
        *extra,
    )


def one_of(value: pl.Expr, values: tuple[str, ...], otherwise: str) -> pl.Expr:
    """The value as an enum of the breakdown values; any other value (or none) is `otherwise`
    (which is added to the values if it is not one of them)."""
    if otherwise not in values:
        values = (*values, otherwise)
    return value.cast(pl.Enum(values), strict=False).fill_null(otherwise)


def item(value: str, values: tuple[str, ...]) -> pl.Expr:
    """A breakdown value as a literal of the enum of the breakdown values."""
    return pl.lit(value, dtype=pl.Enum(values))


# --- Plans ------------------------------------------------------------------------

PLAN_COLUMNS = ("ref", "child", "team", "start_date", "end_date")


def plan_source(frames: Frames, ctx: Context) -> pl.DataFrame:
    return source(frames, ctx, "protection_plan", PLAN_COLUMNS, categorical=("team",))


def _overlapping_children(plans: pl.DataFrame) -> pl.Series:
    """The children with plans that overlap, from plans sorted by child and start.

    Two of a child's plans overlap if and only if, in order of start, some plan
    starts before the one before it ends (or the one before has no end).
    """
    same_child = pl.col("child") == pl.col("child").shift(1)
    previous_end = pl.col("end_date").shift(1)
    starts_inside = same_child & (previous_end.is_null() | (pl.col("start_date") < previous_end))
    return plans.filter(starts_inside.fill_null(False)).get_column("child").unique()


def plans_open_index(frames: Frames, ctx: Context) -> pl.DataFrame:
    """(period, p_row): the plan of each child on a plan at the end of each period.

    A plan is open at the end e of a period when start <= e and (no end date or
    end > e). A child with more than one open plan (a data error) counts once,
    with the plan that started last (then the greatest ref). `p_row` is the
    plan's row in the plan table.
    """
    plans = plan_source(frames, ctx)

    def build() -> pl.DataFrame:
        ordered = (
            plans.lazy()
            .select(row_numbers("p_row"), "ref", "child", "start_date", "end_date")
            .filter(pl.col("start_date").is_not_null())
            .sort(["child", "start_date", "ref"])
            .collect()
        )
        overlapping = _overlapping_children(ordered)
        ordered = ordered.lazy().with_columns(overlaps=pl.col("child").is_in(overlapping.implode()))
        open_ = open_at_period_ends(ordered, "start_date", "end_date", ctx)
        # Only children with overlapping plans (rare) need the costlier search for duplicates.
        single = open_.filter(~pl.col("overlaps"))
        several = open_.filter(pl.col("overlaps")).filter(
            pl.struct("period", "child").is_last_distinct()
        )
        return pl.concat([single, several]).select("period", "p_row").collect()

    return ctx.shared("plans open at the end", build)


def plans_open_at_end(frames: Frames, ctx: Context) -> pl.LazyFrame:
    """Children on a plan at the end of each period, once each, with their plan's columns
    (see plans_open_index)."""
    plans = plan_source(frames, ctx)
    index = plans_open_index(frames, ctx)
    return index.lazy().select("period", "p_row", *gather(plans, "p_row", PLAN_COLUMNS))


def plans_open_of(frames: Frames, ctx: Context, pairs: pl.LazyFrame) -> pl.LazyFrame:
    """For (period, child) pairs, the child's plan open at the end of that period, if any:
    the pairs with `p_row` and the plan's columns.

    Matches the few children's plan rows first, so that the text of every open plan
    need not be read.
    """
    plans = plan_source(frames, ctx)
    children = (
        plans.lazy()
        .select(row_numbers("p_row"), "child")
        .join(pairs.select("child").unique(), on="child", how="semi")
    )
    candidates = pairs.join(children, on="child", how="inner")
    return (
        plans_open_index(frames, ctx)
        .lazy()
        .join(candidates, on=["period", "p_row"], how="inner")
        .with_columns(*gather(plans, "p_row", tuple(c for c in PLAN_COLUMNS if c != "child")))
    )


def plans_ended(frames: Frames, ctx: Context) -> pl.LazyFrame:
    """Plans whose end date is in one of the periods, with start + 3, 6, 12 and 24 months.

    `dt.offset_by("3mo")` is the same day 3 months later, clamped to the end of
    the month (as cpqa.core.periods.add_months): 31 August + 6 months = 28 or 29
    February; 29 February + 24 months = 28 February.
    """
    plans = table(frames, "protection_plan", ["ref", "child", "team", "start_date", "end_date"])
    start = pl.col("start_date")
    return in_periods(plans, "end_date", ctx).with_columns(
        plus_3_months=start.dt.offset_by("3mo"),
        plus_6_months=start.dt.offset_by("6mo"),
        plus_1_year=start.dt.offset_by("12mo"),
        plus_2_years=start.dt.offset_by("24mo"),
    )


def duration_members(frames: Frames, ctx: Context, within: pl.Expr) -> pl.LazyFrame:
    return members(plans_ended(frames, ctx), numerator=within, extra=("start_date", "end_date"))


DURATION_DEFINITION = """\
Of the child protection plans whose end date is in P, the percentage whose end \
date is {condition}, where "start + n months" is the same day n months after the \
start date, clamped to the last day of that month (31 August + 6 months = 28 \
February, or 29 in a leap year; 29 February + 2 years = 28 February). A plan \
with no start date counts in the denominator only.
The five duration indicators split the same plans: <= start + 3 months; \
> start + 3 months and <= start + 6 months; > start + 6 months and < start + 1 \
year; >= start + 1 year and < start + 2 years; >= start + 2 years.
Team: the plan's team."""


# --- Visits -----------------------------------------------------------------------

VISIT_COLUMNS = ("ref", "plan", "child", "date", "seen", "seen_alone")
VISITS_STANDARD = "visits-every-10-working-days"


def visit_source(frames: Frames, ctx: Context) -> pl.DataFrame:
    """The visits, with `p_row`: the row of the visit's plan in the plan table (or null)."""
    visits = source(frames, ctx, "visit", VISIT_COLUMNS)
    plans = plan_source(frames, ctx)

    def build() -> pl.DataFrame:
        rows = rows_of(visits.get_column("plan"), plans.get_column("ref"))
        return visits.with_columns(rows.alias("p_row"))

    return ctx.shared("visits with their plans", build)


def plans_seen(frames: Frames, ctx: Context) -> pl.LazyFrame:
    """Children on a plan at the end of each period (as plans_open_at_end), with the
    dates they were last seen and last seen alone in the period's visiting window.

    The window of a period is the days v with at most the standard's number of
    working days from v to the period's last day (working days d with
    v < d <= end), and on or after the plan's start.
    """
    limits = ctx.thresholds(VISITS_STANDARD)
    periods = ctx.periods_frame().with_columns(
        threshold=limits, window_start=ctx.window_starts(limits)
    )
    measured = periods.drop_nulls("window_start")
    plans = plan_source(frames, ctx)

    def build() -> pl.DataFrame:
        # Each visit as one sortable number: its plan's row, then its date. The last
        # visit of a plan on or before a day is then found by binary search.
        spread = 1 << 22  # more days than any date range held (about 11,000 years)
        day = pl.col("date").cast(pl.Int64)
        seen = pl.col("seen").fill_null(False) | pl.col("seen_alone").fill_null(False)
        visits = (
            visit_source(frames, ctx)
            .lazy()
            .filter(seen & day.is_not_null() & pl.col("p_row").is_not_null())
            .select(
                key=pl.col("p_row").cast(pl.Int64) * spread + day + spread // 2,
                alone=pl.col("seen_alone").fill_null(False),
            )
            .collect()
        )
        keys = visits.get_column("key").sort().to_numpy()
        alone = visits.filter(pl.col("alone")).get_column("key").sort().to_numpy()
        index = plans_open_index(frames, ctx)
        ends = ctx.ends.cast(pl.Int64).to_numpy()
        p_row = index.get_column("p_row").to_numpy().astype(np.int64)
        asked = p_row * spread + ends[index.get_column("period").to_numpy()] + spread // 2

        def last(sorted_keys: np.ndarray) -> pl.Series:
            position = np.searchsorted(sorted_keys, asked, side="right") - 1
            found = sorted_keys[np.clip(position, 0, None)] if len(sorted_keys) else asked
            hit = (position >= 0) & (found // spread == p_row)
            days = np.where(hit, found % spread - spread // 2, 0)
            dates = pl.Series(days, dtype=pl.Int64).cast(pl.Int32).cast(pl.Date)
            return dates.set(pl.Series(~hit), None)

        return index.with_columns(last_seen=last(keys), last_seen_alone=last(alone))

    index = ctx.shared("plans seen", build)
    # The last visit on or before the period's end counts if it is in the window and
    # on or after the plan's start (if it is not, no earlier one is either).
    earliest = pl.max_horizontal("start_date", "window_start")
    start = pl.col("start_date")
    return (
        index.lazy()
        .join(measured.lazy().select("period", "window_start"), on="period", how="inner")
        .select(
            "period",
            "window_start",
            *gather(plans, "p_row", PLAN_COLUMNS),
            pl.col("last_seen"),
            pl.col("last_seen_alone"),
        )
        .with_columns(
            not_yet_due=start >= pl.col("window_start"),
            last_seen=pl.when(pl.col("last_seen") >= earliest).then("last_seen"),
            last_seen_alone=pl.when(pl.col("last_seen_alone") >= earliest).then("last_seen_alone"),
        )
    )


VISITS_DEFINITION = """\
Of the children on a child protection plan at the end of P (as counted by \
cpp_open_at_end, with that plan), the percentage {who} within the visiting \
standard at the end of P: on a visit of that plan{how}, dated on or after the \
plan's start and no more than 10 working days before the last day of P (working \
days d with visit date < d <= last day of P are 10 or fewer). A child whose plan \
started no more than 10 working days before the last day of P is within the \
standard even if not yet {seen}.
The threshold (10) is that of the standard in force on the last day of P.
Team: the plan's team."""


# --- Conferences and attendance ---------------------------------------------------

CONFERENCE_COLUMNS = (
    "ref",
    "child",
    "kind",
    "section47",
    "plan",
    "team",
    "date_held",
    "target_date",
    "decision_published",
    "minutes_published",
    "quorate",
    "participation",
    "parents_attended",
    "parents_participated",
)


def conference_source(frames: Frames, ctx: Context) -> pl.DataFrame:
    return source(frames, ctx, "conference", CONFERENCE_COLUMNS, categorical=("team", "kind"))


def conferences_held(frames: Frames, ctx: Context, *, kinds: tuple[str, ...]) -> pl.LazyFrame:
    """Conferences of the given kinds held in one of the periods, with their period.

    `c_row` is the conference's row in the conference table.
    """
    conferences = conference_source(frames, ctx)

    def build() -> pl.DataFrame:
        return (
            conferences.lazy()
            .select(row_numbers("c_row"), period=period_of(pl.col("date_held"), ctx))
            .filter(pl.col("period").is_not_null())
            .collect()
        )

    held = ctx.shared("conferences held", build)
    return (
        held.lazy()
        .select("c_row", "period", *gather(conferences, "c_row", CONFERENCE_COLUMNS))
        .filter(pl.col("kind").is_in(kinds))
    )


def distinct_initial_conferences(frames: Frames, ctx: Context) -> pl.LazyFrame:
    """Initial conferences held in the periods, one per child and date.

    Where a child has more than one initial conference record on a date, the
    one linked to a section 47 enquiry is kept (then the smallest ref).
    """
    conferences = conference_source(frames, ctx)

    def build() -> pl.DataFrame:
        held = conferences_held(frames, ctx, kinds=("initial",))
        return (
            held.select("c_row", "period", "section47", "ref", "child", "date_held")
            .sort([pl.col("section47").is_null(), pl.col("ref")])
            .filter(pl.struct("child", "date_held").is_first_distinct())
            .select("c_row", "period")
            .collect()
        )

    index = ctx.shared("distinct initial conferences", build)
    return index.lazy().select("c_row", "period", *gather(conferences, "c_row", CONFERENCE_COLUMNS))


def publication_members(frames: Frames, ctx: Context, column: str, standard: str) -> pl.LazyFrame:
    held = (
        conferences_held(frames, ctx, kinds=ALL_CONFERENCES)
        .join(thresholds(ctx, standard), on="period", how="left")
        .filter(pl.col("threshold").is_not_null())
        .with_columns(working_days=working_days(pl.col("date_held"), pl.col(column), ctx))
    )
    return members(
        held,
        numerator=(pl.col(column) >= pl.col("date_held"))
        & (pl.col("working_days") <= pl.col("threshold")),
        extra=("kind", "date_held", column, "working_days"),
    )


PUBLICATION_DEFINITION = """\
Of the child protection conferences (initial, review and transfer-in) held in P, \
the percentage whose {what} was published within {n} working day{s} of the \
conference: a publication date is recorded, it is on or after the conference \
date, and the working days d with conference date < d <= publication date are \
{n} or fewer (so publication on the day of the conference is within the \
standard). A conference with no publication date recorded is not within it.
The threshold ({n}) is that of the standard in force on the last day of P.
Team: the conference's team."""


ATTENDANCE_COLUMNS = (
    "ref",
    "conference",
    "agency",
    "invited",
    "attended",
    "report_submitted",
    "report_on_time",
    "non_attendance_reason",
)


def attendance_at_held(frames: Frames, ctx: Context) -> pl.LazyFrame:
    """Every attendance record of the conferences held in the periods, with the
    conference's row (`c_row`), period, team, child and date.

    The join of attendance (the largest table after visits) to conferences is
    worked out once per context, as pairs of row numbers.
    """
    attendance = source(
        frames, ctx, "conference_attendance", ATTENDANCE_COLUMNS, categorical=("agency",)
    )
    conferences = conference_source(frames, ctx)

    def build() -> pl.DataFrame:
        held = conferences_held(frames, ctx, kinds=ALL_CONFERENCES).select("c_row", "period")
        held = held.collect()
        # The period of each conference row (null if not held in one).
        period = np.full(conferences.height, -1, dtype=np.int64)
        period[held.get_column("c_row").to_numpy()] = held.get_column("period").to_numpy()
        by_row = pl.Series(period).replace(-1, None)
        c_row = rows_of(attendance.get_column("conference"), conferences.get_column("ref"))
        return (
            pl.DataFrame({"c_row": c_row})
            .with_row_index("a_row")
            .with_columns(period=pl.lit(by_row).gather(pl.col("c_row")).cast(pl.UInt32))
            .filter(pl.col("period").is_not_null())
        )

    links = ctx.shared("attendance at conferences held", build)
    return links.lazy().select(
        "c_row",
        "period",
        *gather(attendance, "a_row", ATTENDANCE_COLUMNS),
        *gather(conferences, "c_row", ("team", "child", "date_held")),
    )


def agency_invitations(frames: Frames, ctx: Context) -> pl.LazyFrame:
    """Attendance records of invited agencies at conferences held in the periods."""
    return attendance_at_held(frames, ctx).filter(pl.col("invited").fill_null(True))


# --- Unallocated children ---------------------------------------------------------


def unallocated_at_end(frames: Frames, ctx: Context) -> pl.DataFrame:
    """Children on a plan at the end of each period who had no allocated social worker then.

    An unallocated episode is open at the end e of a period when from <= e and
    (no to date or to > e). A child with more than one counts once, with the
    episode that began last.
    """

    def build() -> pl.DataFrame:
        episodes = table(
            frames,
            "unallocated_episode",
            ["ref", "child", "team", "from_date", "to_date", "risk", "others_involved"],
        ).sort(["from_date", "ref"], nulls_last=True)
        unallocated = open_at_period_ends(episodes, "from_date", "to_date", ctx).filter(
            pl.struct("period", "child").is_last_distinct()
        )
        on_plan = plans_open_of(frames, ctx, unallocated.select("period", "child"))
        return (
            unallocated.join(on_plan.select("period", "child"), on=["period", "child"], how="semi")
            .pipe(with_period_dates, ctx)
            .with_columns(
                days_unallocated=(pl.col("period_end") - pl.col("from_date")).dt.total_days()
            )
            .collect()
        )

    return ctx.shared("unallocated_at_end", build)


UNALLOCATED = """\
children on a child protection plan at the end of P (as counted by \
cpp_open_at_end) who had no allocated social worker at the end of P: an \
unallocated episode with a from date on or before the last day of P and no to \
date or a to date after it (a child with more than one counts once, with the \
episode that began last)"""
