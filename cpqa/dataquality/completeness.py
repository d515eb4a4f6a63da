"""Completeness of the data the framework depends on: pure functions over frames.

Each item names a population of records and what each should have recorded.
`completeness_records` gives one row per record of each item's population,
with whether it is complete and the date of the event (for the trend by
month). Records not yet due are left out of a population, so that the last
month is not made to look worse by what cannot have happened yet: `as_at` is
the day the data stands at.
"""

from dataclasses import dataclass
from datetime import date

import polars as pl

from cpqa.core.workdays import working_days_expr

from .engine import frames_conform, records_attribute
from .rules.base import Frames
from .rules.common import ICPC_OUTCOME, REVIEW, SECTION47_LEVEL, icpc_conferences

# Working days after a conference by which its decision and its minutes are
# taken to be due for the purpose of completeness (cpqa's choice, not a
# timescale of the framework: a conference held since is not yet counted).
DECISION_DUE_WORKING_DAYS = 1
MINUTES_DUE_WORKING_DAYS = 20
# A plan open longer than this with no review recorded is incomplete.
REVIEW_DUE = "3mo"
# Months of the trend by month kept (the latest, counting the data's last month).
TREND_MONTHS = 24


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    table: str
    field: str
    population: str


ITEMS: tuple[Item, ...] = (
    Item(
        "s47_start_date",
        "Section 47 enquiry start date",
        "section47",
        "start_date",
        "Every section 47 enquiry.",
    ),
    Item(
        "icpc_date",
        "Date of the initial child protection conference",
        "section47",
        "initial_conference_date",
        "Section 47 enquiries that led to an initial conference, or whose outcome says one "
        "should be held, once its target date has passed.",
    ),
    Item(
        "decision_published",
        "Date the conference decision was published",
        "conference",
        "decision_published",
        f"Conferences held, from {DECISION_DUE_WORKING_DAYS} working day after the conference.",
    ),
    Item(
        "minutes_published",
        "Date the full conference minutes were published",
        "conference",
        "minutes_published",
        f"Conferences held, from {MINUTES_DUE_WORKING_DAYS} working days after the conference.",
    ),
    Item(
        "visit_date",
        "Date of a statutory visit",
        "visit",
        "date",
        "Every visit recorded to a child on a plan.",
    ),
    Item(
        "non_attendance_reason",
        "Reason for non-attendance at a conference",
        "conference_attendance",
        "non_attendance_reason",
        "Every agency recorded as not attending a conference.",
    ),
    Item(
        "review_date",
        "Date a review conference was held",
        "conference",
        "date_held",
        "Review conferences, once their target date has passed (or with none).",
    ),
    Item(
        "plan_reviewed",
        "A review recorded for a plan open more than 3 months",
        "protection_plan",
        "review",
        "Plans open for more than 3 months, to the day the data stands at or their end.",
    ),
)
ITEM_BY_CODE = {item.code: item for item in ITEMS}

RECORD_SCHEMA: dict[str, pl.DataType] = {
    "item": pl.String(),
    "child": pl.String(),
    "table": pl.String(),
    "ref": pl.String(),
    "field": pl.String(),
    "event_date": pl.Date(),
    "complete": pl.Boolean(),
    # The record's own team and worker, for engine.records_attribute.
    "_record_team": pl.String(),
    "_record_worker": pl.String(),
}


def _rows(
    item: Item,
    frame: pl.DataFrame,
    *,
    event: pl.Expr,
    complete: pl.Expr,
    team: pl.Expr | None = None,
    worker: pl.Expr | None = None,
) -> pl.DataFrame:
    return frame.select(
        pl.lit(item.code).alias("item"),
        pl.col("child").cast(pl.String),
        pl.lit(item.table).alias("table"),
        pl.col("ref").cast(pl.String),
        pl.lit(item.field).alias("field"),
        event.cast(pl.Date).alias("event_date"),
        complete.fill_null(False).cast(pl.Boolean).alias("complete"),
        (pl.col("team") if team is None else team).cast(pl.String).alias("_record_team"),
        (pl.lit(None) if worker is None else worker).cast(pl.String).alias("_record_worker"),
    )


def _present(column: str) -> pl.Expr:
    value = pl.col(column)
    if column.endswith("reason"):
        return value.is_not_null() & (value.str.strip_chars() != "")
    return value.is_not_null()


def _s47_items(frames: Frames, as_at: date) -> list[pl.DataFrame]:
    enquiries = frames["section47"]
    icpc_all = icpc_conferences(frames, held_only=False).filter(pl.col("level") == SECTION47_LEVEL)
    conferences = frames["conference"].select(pl.col("ref"), pl.col("target_date"))
    linked = (
        icpc_all.join(conferences, on="ref", how="left")
        .group_by("section47")
        .agg(
            pl.col("date_held").min().alias("icpc_date"),
            pl.col("target_date").min().alias("conference_target"),
        )
    )
    enquiries = enquiries.join(linked, left_on="ref", right_on="section47", how="left")
    start = _rows(
        ITEM_BY_CODE["s47_start_date"],
        enquiries,
        event=pl.coalesce("start_date", "end_date", "icpc_date"),
        complete=_present("start_date"),
        worker=pl.col("worker"),
    )
    target = pl.coalesce("conference_target", "icpc_target_date")
    should_have = (pl.col("outcome") == ICPC_OUTCOME).fill_null(False) | pl.col(
        "icpc_date"
    ).is_not_null()
    has_conference = pl.col("ref").is_in(icpc_all.get_column("section47").implode())
    due = enquiries.with_columns(has_conference.alias("_linked")).filter(
        (should_have | pl.col("_linked")) & (target.is_null() | (target <= as_at))
    )
    icpc = _rows(
        ITEM_BY_CODE["icpc_date"],
        due,
        event=pl.coalesce("start_date", "icpc_date"),
        complete=_present("icpc_date"),
        worker=pl.col("worker"),
    )
    return [start, icpc]


def _conference_items(frames: Frames, as_at: date, region: str) -> list[pl.DataFrame]:
    conferences = frames["conference"]
    held = conferences.filter(pl.col("date_held") <= as_at).with_columns(
        working_days_expr(pl.col("date_held"), pl.lit(as_at), region=region).alias("_since")
    )
    decision = _rows(
        ITEM_BY_CODE["decision_published"],
        held.filter(pl.col("_since") >= DECISION_DUE_WORKING_DAYS),
        event=pl.col("date_held"),
        complete=_present("decision_published"),
    )
    minutes = _rows(
        ITEM_BY_CODE["minutes_published"],
        held.filter(pl.col("_since") >= MINUTES_DUE_WORKING_DAYS),
        event=pl.col("date_held"),
        complete=_present("minutes_published"),
    )
    reviews = conferences.filter(
        (pl.col("kind") == REVIEW)
        & (pl.col("date_held") <= as_at).fill_null(
            pl.col("target_date").is_null() | (pl.col("target_date") <= as_at)
        )
    )
    review = _rows(
        ITEM_BY_CODE["review_date"],
        reviews,
        event=pl.coalesce("date_held", "target_date"),
        complete=_present("date_held"),
    )
    return [decision, minutes, review]


def _attendance_items(frames: Frames) -> list[pl.DataFrame]:
    conferences = frames["conference"].select(
        pl.col("ref").alias("conference"), "child", "date_held", "team"
    )
    absent = (
        frames["conference_attendance"]
        .filter(pl.col("attended") == False)  # noqa: E712  (null: not known, not absent)
        .join(conferences, on="conference", how="left")
    )
    return [
        _rows(
            ITEM_BY_CODE["non_attendance_reason"],
            absent,
            event=pl.col("date_held"),
            complete=_present("non_attendance_reason"),
        )
    ]


def _visit_items(frames: Frames) -> list[pl.DataFrame]:
    visits = frames["visit"]
    if "protection_plan" in frames:
        plans = frames["protection_plan"].select(pl.col("ref").alias("plan"), "team")
        visits = visits.join(plans, on="plan", how="left")
    else:
        visits = visits.with_columns(pl.lit(None, dtype=pl.String).alias("team"))
    return [
        _rows(
            ITEM_BY_CODE["visit_date"],
            visits,
            event=pl.col("date"),
            complete=_present("date"),
            worker=pl.col("professional"),
        )
    ]


def _plan_items(frames: Frames, as_at: date) -> list[pl.DataFrame]:
    reviewed = (
        frames["conference"]
        .filter((pl.col("kind") == REVIEW) & pl.col("date_held").is_not_null())
        .select(pl.col("plan").alias("ref"))
        .unique()
        .with_columns(pl.lit(True).alias("_reviewed"))
    )
    until = pl.min_horizontal(pl.col("end_date").fill_null(pl.lit(as_at)), pl.lit(as_at))
    plans = (
        frames["protection_plan"]
        .filter(
            pl.col("start_date").is_not_null()
            & (pl.col("start_date").dt.offset_by(REVIEW_DUE) < until)
        )
        .join(reviewed, on="ref", how="left")
    )
    return [
        _rows(
            ITEM_BY_CODE["plan_reviewed"],
            plans,
            event=pl.col("start_date"),
            complete=pl.col("_reviewed"),
        )
    ]


# The tables each item needs; an item whose tables are absent is left out.
ITEM_TABLES: dict[str, tuple[str, ...]] = {
    "s47_start_date": ("section47", "conference"),
    "icpc_date": ("section47", "conference"),
    "decision_published": ("conference",),
    "minutes_published": ("conference",),
    "review_date": ("conference",),
    "non_attendance_reason": ("conference", "conference_attendance"),
    "visit_date": ("visit",),
    "plan_reviewed": ("protection_plan", "conference"),
}


def completeness_records(*, frames: Frames, as_at: date, region: str) -> pl.DataFrame:
    """One row per record of each item's population (RECORD_SCHEMA)."""
    frames = frames_conform(frames)

    def has(*tables: str) -> bool:
        return all(table in frames for table in tables)

    parts = [pl.DataFrame(schema=RECORD_SCHEMA)]
    if has(*ITEM_TABLES["icpc_date"]):
        parts += _s47_items(frames, as_at)
    if has("conference"):
        parts += _conference_items(frames, as_at, region)
    if has(*ITEM_TABLES["non_attendance_reason"]):
        parts += _attendance_items(frames)
    if has("visit"):
        parts += _visit_items(frames)
    if has(*ITEM_TABLES["plan_reviewed"]):
        parts += _plan_items(frames, as_at)
    return pl.concat(parts, how="vertical")


def completeness_attributed(*, frames: Frames, as_at: date, region: str) -> pl.DataFrame:
    """The records with team and worker, and the month of the event (not the child's
    team: see `child_team_attach` for the few rows that need it)."""
    records = completeness_records(frames=frames, as_at=as_at, region=region)
    attributed = records_attribute(
        records, frames=frames, default_day=as_at, day="event_date", with_child_team=False
    )
    return attributed.with_columns(pl.col("event_date").dt.truncate("1mo").alias("month"))


BY_WORKER = "worker"
BY_MONTH = "month"


def completeness_counts(attributed: pl.DataFrame, *, months: int | None = None) -> pl.DataFrame:
    """Totals and complete counts at two grains, told apart by `grain`.

    "worker": by item, team and worker (month empty), for the tables by team
    and by worker; "month": by item, team and month of the event (worker
    empty), for the trend, the last `months` months (all where None) of those
    with a date. Together they are far fewer rows than one grain of item,
    team, worker and month.
    """
    fine = attributed.group_by("item", "team", "worker", "month").agg(
        pl.len().alias("total"), pl.col("complete").sum().alias("complete")
    )
    totals = (pl.col("total").sum(), pl.col("complete").sum())
    by_worker = fine.group_by("item", "team", "worker").agg(*totals)
    dated = fine.filter(pl.col("month").is_not_null())
    if months is not None and dated.height:
        latest = dated.get_column("month").max()
        dated = dated.filter(pl.col("month") > pl.lit(latest).dt.offset_by(f"-{months}mo"))
    by_month = dated.group_by("item", "team", "month").agg(*totals)
    return pl.concat(
        [
            by_worker.select(
                pl.lit(BY_WORKER).alias("grain"),
                "item",
                "team",
                "worker",
                pl.lit(None, dtype=pl.Date).alias("month"),
                pl.col("total").cast(pl.Int64),
                pl.col("complete").cast(pl.Int64),
            ),
            by_month.select(
                pl.lit(BY_MONTH).alias("grain"),
                "item",
                "team",
                pl.lit(None, dtype=pl.String).alias("worker"),
                "month",
                pl.col("total").cast(pl.Int64),
                pl.col("complete").cast(pl.Int64),
            ),
        ],
        how="vertical",
    ).sort("grain", "item", "team", "worker", "month", nulls_last=True)


def completeness_percent(complete: int, total: int) -> float | None:
    """Percentage complete, to one decimal place; None where there is nothing to count."""
    if not total:
        return None
    return round(100 * complete / total, 1)
