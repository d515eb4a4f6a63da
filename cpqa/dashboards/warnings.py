"""Early warnings: work that is due soon or overdue, as at a day. Pure polars, no database.

Each list has one row per piece of work, with the child, their current team,
the record, the due date, `days` (calendar days from the day the data stands at
to the due date: negative when overdue) and `overdue` (the due date has
passed). Working days are Monday to Friday less the bank holidays of the
authority's nation; "n working days after d" is the date with n working days e
such that d < e <= that date, as in cpqa.core.workdays.

The lists (the thresholds are those of the standards in force on the day):

visits          children on a plan whose next statutory visit is due within
                VISIT_DUE_SOON working days or overdue: due the threshold
                (10) working days after the last visit of the plan on which
                the child was seen (or seen alone), or after the plan's start
                if there has been none.
reviews         plans whose next review conference is due within
                REVIEW_DUE_SOON working days or overdue: the first review is
                due 3 months after the plan's start, each later one 6 months
                after the review before (the same day n months later, clamped
                to the end of the month).
initial-conferences
                section 47 enquiries with no initial conference held yet that
                are at or past day ICPC_APPROACHING_DAY (working days since the
                strategy discussion): those whose outcome is an initial
                conference, and those still open with no outcome yet, unless
                recorded as not needing a conference. A conference for the same
                child held on or after the enquiry's start counts, even if not
                linked to it. Due on day 15 (the threshold).
core-groups     plans with no core group meeting yet since their initial
                conference (else their start), due the threshold (10) working
                days after it, within CORE_GROUP_DUE_SOON working days or overdue.
publication     conferences held in the last PUBLICATION_LOOKBACK_MONTHS months
                whose decision (due 1 working day after) or full minutes (due 15
                working days after) are not published, within
                PUBLICATION_DUE_SOON working days of being due or overdue. Older
                gaps are for the data-quality pages.
unallocated     children on a plan with no allocated social worker (an open
                unallocated episode), by risk (high first) and days
                unallocated; due: the date the team's decision is to be reviewed.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl

from cpqa.core.periods import add_months
from cpqa.core.workdays import bank_holidays
from cpqa.indicators.standards import Standards

from .filters import Frame, child_attributes

VISIT_DUE_SOON = 3
REVIEW_DUE_SOON = 10
ICPC_APPROACHING_DAY = 10
CORE_GROUP_DUE_SOON = 3
PUBLICATION_DUE_SOON = 3
PUBLICATION_LOOKBACK_MONTHS = 12

VISITS_STANDARD = "visits-every-10-working-days"
FIRST_REVIEW_STANDARD = "first-review-within-3-months"
LATER_REVIEW_STANDARD = "later-reviews-within-6-months"
ICPC_STANDARD = "icpc-within-15-working-days"
CORE_GROUP_STANDARD = "first-core-group-within-10-working-days"
DECISION_STANDARD = "decision-within-1-working-day"
MINUTES_STANDARD = "minutes-within-15-working-days"

ICPC_OUTCOME = "icpc"
RISK_ORDER = ("high", "medium", "low")

COMMON_COLUMNS = ("child", "team", "ref", "due", "days", "overdue", "category", "age_band")


@dataclass(frozen=True)
class WarningKind:
    slug: str
    title: str
    summary: str
    standards: tuple[str, ...]
    columns: tuple[tuple[str, str], ...]  # the list's own columns: (name, label)
    record_label: str = "Record"


WARNING_KINDS: tuple[WarningKind, ...] = (
    WarningKind(
        "visits",
        "Statutory visits due or overdue",
        f"Children on a plan whose next visit is due within {VISIT_DUE_SOON} working days, "
        "or overdue.",
        (VISITS_STANDARD,),
        (("start_date", "Plan started"), ("last_seen", "Last seen")),
        "Plan",
    ),
    WarningKind(
        "reviews",
        "Review conferences due or overdue",
        f"Plans whose next review conference is due within {REVIEW_DUE_SOON} working days, "
        "or overdue.",
        (FIRST_REVIEW_STANDARD, LATER_REVIEW_STANDARD),
        (("start_date", "Plan started"), ("last_review", "Last review"), ("booked", "Booked for")),
        "Plan",
    ),
    WarningKind(
        "initial-conferences",
        "Initial conferences approaching or past day 15",
        f"Section 47 enquiries with no initial conference yet, at or past working day "
        f"{ICPC_APPROACHING_DAY} since the strategy discussion.",
        (ICPC_STANDARD,),
        (
            ("start_date", "Strategy discussion"),
            ("working_days", "Working days so far"),
            ("booked", "Booked for"),
        ),
        "Enquiry",
    ),
    WarningKind(
        "core-groups",
        "Core groups overdue",
        f"Plans with no core group meeting yet, due within {CORE_GROUP_DUE_SOON} working days "
        "or overdue.",
        (CORE_GROUP_STANDARD,),
        (("conference_date", "Initial conference (or plan start)"),),
        "Plan",
    ),
    WarningKind(
        "publication",
        "Decisions and minutes not published",
        f"Conferences in the last {PUBLICATION_LOOKBACK_MONTHS} months whose decision or "
        f"minutes are not published, due within {PUBLICATION_DUE_SOON} working days or overdue.",
        (DECISION_STANDARD, MINUTES_STANDARD),
        (("what", "Not published"), ("kind", "Conference"), ("date_held", "Held")),
        "Conference",
    ),
    WarningKind(
        "unallocated",
        "Children on a plan without an allocated social worker",
        "By risk, then days unallocated; due: when the decision is to be reviewed.",
        (),
        (("risk", "Risk"), ("from_date", "Unallocated since"), ("days_unallocated", "Days")),
        "Episode",
    ),
)
WARNING_KINDS_BY_SLUG = {kind.slug: kind for kind in WARNING_KINDS}


@dataclass
class Warnings:
    """Every list, as at a day, for the whole authority (scoping is the selectors' job)."""

    as_at: date
    lists: dict[str, pl.DataFrame] = field(default_factory=dict)
    missing_standards: dict[str, list[str]] = field(default_factory=dict)


# --- Working days, vectorised with numpy ------------------------------------------


def _holidays(region: str) -> np.ndarray:
    return np.array(bank_holidays(region), dtype="datetime64[D]")


def _days(series: pl.Series) -> np.ndarray:
    return series.fill_null(date(2000, 1, 1)).to_numpy().astype("datetime64[D]")


def add_working_days(dates: pl.Series, days: int, *, region: str) -> pl.Series:
    """The date `days` working days after each date (null stays null)."""
    moved = np.busday_offset(_days(dates), days, roll="backward", holidays=_holidays(region))
    result = pl.Series(dates.name, moved.astype("datetime64[D]"), dtype=pl.Date)
    return pl.select(pl.when(dates.is_not_null()).then(result)).to_series().alias(dates.name)


def working_days_between(starts: pl.Series, end: date, *, region: str) -> pl.Series:
    """Working days d with start < d <= end, per start (negative when end is before it)."""
    one = np.timedelta64(1, "D")
    counts = np.busday_count(
        _days(starts) + one, np.datetime64(end, "D") + one, holidays=_holidays(region)
    )
    result = pl.Series("working_days", counts, dtype=pl.Int64)
    return pl.select(pl.when(starts.is_not_null()).then(result)).to_series()


def working_days_until(dues: pl.Series, as_at: date, *, region: str) -> pl.Series:
    """Working days from the day to each due date (negative when the date has passed)."""
    one = np.timedelta64(1, "D")
    counts = np.busday_count(
        np.datetime64(as_at, "D") + one, _days(dues) + one, holidays=_holidays(region)
    )
    result = pl.Series("left", counts, dtype=pl.Int64)
    return pl.select(pl.when(dues.is_not_null()).then(result)).to_series()


# --- The lists ----------------------------------------------------------------------


def _col(frames: Mapping[str, Frame], name: str) -> pl.DataFrame:
    frame = frames[name]
    return frame.collect() if isinstance(frame, pl.LazyFrame) else frame


def plans_open_on(plans: pl.DataFrame, as_at: date) -> pl.DataFrame:
    """Plans open on the day (start on or before it, no end or an end after it), one per
    child: the one that started last (then the greatest ref)."""
    return (
        plans.filter(
            pl.col("start_date").is_not_null()
            & (pl.col("start_date") <= as_at)
            & (pl.col("end_date").is_null() | (pl.col("end_date") > as_at))
        )
        .sort(["child", "start_date", "ref"])
        .unique("child", keep="last", maintain_order=True)
    )


def _finish(frame: pl.DataFrame, as_at: date, extra: tuple[str, ...]) -> pl.DataFrame:
    return frame.with_columns(
        days=(pl.col("due") - pl.lit(as_at)).dt.total_days(),
        overdue=(pl.col("due") < as_at).fill_null(False),
    ).select("child", "ref", "due", "days", "overdue", *extra)


def visits_due(plans: pl.DataFrame, visits: pl.DataFrame, *, as_at, threshold, region):
    seen = pl.col("seen").fill_null(False) | pl.col("seen_alone").fill_null(False)
    last = (
        visits.filter(seen & pl.col("date").is_not_null() & (pl.col("date") <= as_at))
        .select("plan", "date")
        .join(plans.select(plan="ref", start="start_date"), on="plan", how="inner")
        .filter(pl.col("date") >= pl.col("start"))
        .group_by("plan")
        .agg(last_seen=pl.col("date").max())
    )
    rows = plans.join(last, left_on="ref", right_on="plan", how="left")
    since = rows.select(pl.coalesce("last_seen", "start_date")).to_series()
    due = add_working_days(since, threshold, region=region)
    left = working_days_until(due, as_at, region=region)
    rows = rows.with_columns(due=due, _left=left).filter(pl.col("_left") <= VISIT_DUE_SOON)
    return _finish(rows, as_at, ("start_date", "last_seen"))


def reviews_due(plans, conferences, *, as_at, first, later, region):
    reviews = conferences.filter((pl.col("kind") == "review") & pl.col("plan").is_not_null()).join(
        plans.select(plan="ref", start="start_date"), on="plan", how="inner"
    )
    held = reviews.filter(
        pl.col("date_held").is_not_null()
        & (pl.col("date_held") <= as_at)
        & (pl.col("date_held") > pl.col("start"))
    )
    last = held.group_by("plan").agg(last_review=pl.col("date_held").max())
    booked = (
        reviews.filter(
            (pl.col("date_held").is_null() | (pl.col("date_held") > as_at))
            & pl.col("target_date").is_not_null()
        )
        .group_by("plan")
        .agg(booked=pl.col("target_date").min())
    )
    rows = (
        plans.join(last, left_on="ref", right_on="plan", how="left")
        .join(booked, left_on="ref", right_on="plan", how="left")
        .with_columns(
            due=pl.when(pl.col("last_review").is_null())
            .then(pl.col("start_date").dt.offset_by(f"{first}mo"))
            .otherwise(pl.col("last_review").dt.offset_by(f"{later}mo"))
        )
    )
    left = working_days_until(rows.get_column("due"), as_at, region=region)
    rows = rows.with_columns(_left=left).filter(pl.col("_left") <= REVIEW_DUE_SOON)
    return _finish(rows, as_at, ("start_date", "last_review", "booked"))


def initial_conferences_due(enquiries, conferences, *, as_at, threshold, region):
    initial = conferences.filter(pl.col("kind") == "initial")
    held = initial.filter(pl.col("date_held").is_not_null() & (pl.col("date_held") <= as_at))
    waiting = enquiries.filter(
        pl.col("start_date").is_not_null()
        & (pl.col("start_date") <= as_at)
        & ~pl.col("icpc_not_required").fill_null(False)
        & (
            (pl.col("outcome") == ICPC_OUTCOME).fill_null(False)
            | (
                pl.col("outcome").is_null()
                & (pl.col("end_date").is_null() | (pl.col("end_date") > as_at))
            )
        )
    )
    linked = held.filter(pl.col("section47").is_not_null()).select(ref="section47")
    same_child = (
        waiting.select("ref", "child", "start_date")
        .join(held.select("child", "date_held"), on="child", how="inner")
        .filter(pl.col("date_held") >= pl.col("start_date"))
        .select("ref")
    )
    waiting = waiting.join(pl.concat([linked, same_child]), on="ref", how="anti")
    booked = (
        initial.filter(
            pl.col("section47").is_not_null()
            & (pl.col("date_held").is_null() | (pl.col("date_held") > as_at))
            & pl.col("target_date").is_not_null()
        )
        .group_by("section47")
        .agg(_booked=pl.col("target_date").min())
    )
    start = waiting.get_column("start_date")
    rows = (
        waiting.with_columns(
            working_days=working_days_between(start, as_at, region=region),
            due=add_working_days(start, threshold, region=region),
        )
        .filter(pl.col("working_days") >= ICPC_APPROACHING_DAY)
        .join(booked, left_on="ref", right_on="section47", how="left")
        .with_columns(booked=pl.coalesce("_booked", "icpc_target_date"))
    )
    return _finish(rows, as_at, ("start_date", "working_days", "booked"))


def core_groups_due(plans, conferences, meetings, *, as_at, threshold, region):
    icpc = (
        conferences.filter(
            (pl.col("kind") == "initial")
            & pl.col("plan").is_not_null()
            & pl.col("date_held").is_not_null()
            & (pl.col("date_held") <= as_at)
        )
        .group_by("plan")
        .agg(_icpc=pl.col("date_held").min())
    )
    rows = plans.join(icpc, left_on="ref", right_on="plan", how="left").with_columns(
        conference_date=pl.coalesce("_icpc", "start_date")
    )
    met = (
        meetings.filter(pl.col("date").is_not_null() & (pl.col("date") <= as_at))
        .join(rows.select(plan="ref", since="conference_date"), on="plan", how="inner")
        .filter(pl.col("date") >= pl.col("since"))
        .select(ref="plan")
        .unique()
    )
    rows = rows.join(met, on="ref", how="anti")
    due = add_working_days(rows.get_column("conference_date"), threshold, region=region)
    left = working_days_until(due, as_at, region=region)
    rows = rows.with_columns(due=due, _left=left).filter(pl.col("_left") <= CORE_GROUP_DUE_SOON)
    return _finish(rows, as_at, ("conference_date",))


def publication_due(conferences, *, as_at, decision, minutes, region):
    since = add_months(as_at, -PUBLICATION_LOOKBACK_MONTHS)
    held = conferences.filter(
        pl.col("date_held").is_not_null()
        & (pl.col("date_held") <= as_at)
        & (pl.col("date_held") > since)
    )
    parts = []
    for what, column, threshold in (
        ("Decision", "decision_published", decision),
        ("Minutes", "minutes_published", minutes),
    ):
        if threshold is None:
            continue
        waiting = held.filter(pl.col(column).is_null() | (pl.col(column) > as_at))
        due = add_working_days(waiting.get_column("date_held"), threshold, region=region)
        left = working_days_until(due, as_at, region=region)
        parts.append(
            waiting.with_columns(due=due, _left=left, what=pl.lit(what))
            .filter(pl.col("_left") <= PUBLICATION_DUE_SOON)
            .pipe(_finish, as_at, ("what", "kind", "date_held"))
        )
    if not parts:
        return None
    return pl.concat(parts)


def unallocated_now(plans, episodes, *, as_at):
    open_ = (
        episodes.filter(
            (pl.col("from_date") <= as_at)
            & (pl.col("to_date").is_null() | (pl.col("to_date") > as_at))
        )
        .sort(["child", "from_date", "ref"])
        .unique("child", keep="last", maintain_order=True)
        .join(plans.select("child"), on="child", how="semi")
    )
    rows = open_.with_columns(
        due=pl.col("decision_review_date"),
        days_unallocated=(pl.lit(as_at) - pl.col("from_date")).dt.total_days(),
    )
    return _finish(rows, as_at, ("risk", "from_date", "days_unallocated"))


def _sorted(slug: str, frame: pl.DataFrame) -> pl.DataFrame:
    if slug == "unallocated":
        rank = pl.col("risk").replace_strict(
            list(RISK_ORDER), list(range(len(RISK_ORDER))), default=len(RISK_ORDER)
        )
        return frame.sort(
            [rank, pl.col("days_unallocated"), pl.col("child")],
            descending=[False, True, False],
            nulls_last=True,
        )
    return frame.sort(["due", "child", "ref"], nulls_last=True)


def warnings_compute(
    frames: Mapping[str, Frame], *, as_at: date, standards: Standards, region: str
) -> Warnings:
    """Every list as at the day, for every child of the frames."""
    plans = _col(frames, "protection_plan")
    conferences = _col(frames, "conference")
    open_plans = plans_open_on(plans, as_at)
    slugs = [slug for kind in WARNING_KINDS for slug in kind.standards]
    terms = {slug: standards.in_force(slug, as_at) for slug in slugs}
    threshold = {slug: (t.threshold if t is not None else None) for slug, t in terms.items()}
    result = Warnings(as_at=as_at)
    lists: dict[str, pl.DataFrame | None] = {}
    if threshold[VISITS_STANDARD] is not None:
        lists["visits"] = visits_due(
            open_plans,
            _col(frames, "visit"),
            as_at=as_at,
            threshold=threshold[VISITS_STANDARD],
            region=region,
        )
    if threshold[FIRST_REVIEW_STANDARD] is not None and threshold[LATER_REVIEW_STANDARD]:
        lists["reviews"] = reviews_due(
            open_plans,
            conferences,
            as_at=as_at,
            first=threshold[FIRST_REVIEW_STANDARD],
            later=threshold[LATER_REVIEW_STANDARD],
            region=region,
        )
    if threshold[ICPC_STANDARD] is not None:
        lists["initial-conferences"] = initial_conferences_due(
            _col(frames, "section47"),
            conferences,
            as_at=as_at,
            threshold=threshold[ICPC_STANDARD],
            region=region,
        )
    if threshold[CORE_GROUP_STANDARD] is not None:
        lists["core-groups"] = core_groups_due(
            open_plans,
            conferences,
            _col(frames, "core_group_meeting"),
            as_at=as_at,
            threshold=threshold[CORE_GROUP_STANDARD],
            region=region,
        )
    lists["publication"] = publication_due(
        conferences,
        as_at=as_at,
        decision=threshold[DECISION_STANDARD],
        minutes=threshold[MINUTES_STANDARD],
        region=region,
    )
    lists["unallocated"] = unallocated_now(
        open_plans, _col(frames, "unallocated_episode"), as_at=as_at
    )
    attributes = child_attributes(_col(frames, "child"), plans, as_at)
    for kind in WARNING_KINDS:
        frame = lists.get(kind.slug)
        if frame is None:
            result.missing_standards[kind.slug] = [
                slug for slug in kind.standards if threshold[slug] is None
            ]
            frame = _empty(kind)
        frame = frame.join(attributes, on="child", how="left")
        result.lists[kind.slug] = _sorted(kind.slug, frame).select(
            *COMMON_COLUMNS, *(name for name, _ in kind.columns)
        )
    return result


def _empty(kind: WarningKind) -> pl.DataFrame:
    schema = {"child": pl.String, "ref": pl.String, "due": pl.Date, "days": pl.Int64}
    schema["overdue"] = pl.Boolean
    for name, _ in kind.columns:
        schema[name] = pl.String
    return pl.DataFrame(schema=schema)
