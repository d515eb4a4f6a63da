"""Running the rules: pure functions over canonical frames, no database.

- `frames_conform` gives every frame the columns of its table (missing ones
  as nulls), so that a rule can rely on them.
- `census_view` turns the data held (all of an authority's history) into what
  a CIN census return for the year would hold, as at its reference date.
- `rules_run` runs the rules, each guarded: a rule whose tables are absent is
  not run, a rule that raises failed to run; neither stops the others.
- `findings_attribute` adds the team and worker of each finding's record.
- `data_as_at` and `reference_date_default`: the day the data stands at, and
  the census year it is in.
"""

import time
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from cpqa.casework.schema import fact_table

from .rules.base import FINDING_SCHEMA, Frames, Rule, RuleContext, registry
from .rules.common import ICPC_KINDS, REVIEW, section47_with_icpc

# The columns the checks read, by table (the rules' declared fields, what
# completeness, the census view and attribution use, and names for display).
# Other tables and columns are not fetched from the database.
COLUMNS_READ: dict[str, tuple[str, ...]] = {
    "team": ("ref", "name"),
    "professional": ("ref", "name"),
    "child": ("ref", "date_of_death", "team"),
    "cin_episode": (
        "ref", "child", "referral_date", "referral_nfa", "closure_date", "team", "worker",
    ),
    "assessment": ("ref", "child", "episode", "start_date", "authorisation_date"),
    "cin_plan": ("ref", "child", "episode", "start_date", "end_date"),
    "section47": (
        "ref", "child", "episode", "start_date", "end_date", "outcome", "icpc_target_date",
        "icpc_not_required", "team", "worker",
    ),
    "protection_plan": (
        "ref", "child", "episode", "start_date", "end_date", "initial_category",
        "latest_category", "previous_plans", "team",
    ),
    "conference": (
        "ref", "child", "kind", "section47", "episode", "plan", "target_date", "date_held",
        "team", "decision_published", "minutes_published",
    ),
    "conference_attendance": ("ref", "conference", "attended", "non_attendance_reason"),
    "visit": ("ref", "plan", "child", "date", "professional"),
    "involvement": ("ref", "child", "professional", "start_date", "end_date"),
}  # fmt: skip
TABLES_READ = tuple(COLUMNS_READ)

RAN = "ran"
NOT_RUN = "not_run"
FAILED = "failed"
STATUS_LABELS = {RAN: "Ran", NOT_RUN: "Not run", FAILED: "Failed to run"}

NOT_RUN_NOTE = "Not run: no {tables} data."
FAILED_NOTE = "Failed to run: {error}"

RUN_SCHEMA: dict[str, pl.DataType] = {
    "rule": pl.String(),
    "severity": pl.String(),
    "message": pl.String(),
    **FINDING_SCHEMA,
}
ATTRIBUTION_SCHEMA: dict[str, pl.DataType] = {
    "team": pl.String(),
    "worker": pl.String(),
    "child_team": pl.String(),
}


@dataclass
class RuleOutcome:
    code: str
    status: str
    count: int = 0
    seconds: float = 0.0
    note: str = ""
    traceback: str = ""

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "count": self.count,
            "seconds": round(self.seconds, 4),
            "note": self.note,
        }


@dataclass
class RunResult:
    context: RuleContext
    findings: pl.DataFrame
    outcomes: dict[str, RuleOutcome] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return {code: outcome.count for code, outcome in self.outcomes.items()}


def frames_conform(frames: Frames) -> dict[str, pl.DataFrame]:
    """Every frame with all the columns of its table, cast to the schema's types."""
    conformed = {}
    for name, frame in frames.items():
        try:
            schema = fact_table(name).polars_schema()
        except KeyError:
            conformed[name] = frame
            continue
        columns = [
            (
                pl.col(column).cast(dtype) if column in frame.columns else pl.lit(None, dtype=dtype)
            ).alias(column)
            for column, dtype in schema.items()
        ]
        extra = [column for column in frame.columns if column not in schema]
        conformed[name] = frame.select(*columns, *extra)
    return conformed


def _later(column: str, day: date) -> pl.Expr:
    """The date, blanked where it is after `day` (it had not happened by then)."""
    return pl.when(pl.col(column) > day).then(None).otherwise(pl.col(column)).alias(column)


def _started_by(column: str, day: date) -> pl.Expr:
    return pl.col(column).is_null() | (pl.col(column) <= day)


def _not_ended_before(column: str, day: date) -> pl.Expr:
    return pl.col(column).is_null() | (pl.col(column) >= day)


def census_view(*, frames: Frames, context: RuleContext, as_at: date) -> dict[str, pl.DataFrame]:
    """What the CIN census return for the year would hold, as at its reference date.

    The data held runs across years; a return holds the records open at some
    time in the census year, as they stood on the reference date:

    - a record that starts after the reference date is left out (its start
      date, referral date or date held is later), and a later end date,
      closure date or date of death is blanked: on the reference date the
      record was still open and the child alive;
    - a record that ended before the census year began is left out: an episode
      closed, a plan or CIN plan ended, an assessment authorised before it;
      an enquiry that started before the year and whose initial conference
      was held (or which ended with none) before the year;
    - a conference belongs with the record it is about: an initial conference
      linked to an enquiry is kept with its enquiry, one linked to an episode
      or plan with those; a review with its plan, if held in the census year;
    - a conference with no date held whose target date is after the reference
      date (or after `as_at`, the day the data stands at) is not yet due and
      is left out.

    Records with a missing date are kept: their absence is what some rules
    check. Frames not named here are passed through.
    """
    ref, start = context.reference_date, context.year_start
    due_by = min(ref, as_at)
    view = dict(frames_conform(frames))
    if "conference" in view:
        view["conference"] = view["conference"].filter(
            _started_by("date_held", ref)
            & ~(pl.col("date_held").is_null() & (pl.col("target_date") > due_by))
        )
    if "section47" in view:
        if "conference" in view:
            enquiries = section47_with_icpc(view).drop("icpc_ref", "not_required")
        else:
            enquiries = view["section47"].with_columns(
                pl.lit(None, dtype=pl.Date).alias("icpc_date")
            )
        concluded_before = (
            pl.when(pl.col("icpc_date").is_not_null())
            .then(pl.col("icpc_date") < start)
            .otherwise(pl.col("end_date").is_not_null() & (pl.col("end_date") < start))
        )
        view["section47"] = (
            enquiries.filter(
                _started_by("start_date", ref)
                & (
                    pl.col("start_date").is_null()
                    | (pl.col("start_date") >= start)
                    | ~concluded_before
                )
            )
            .drop("icpc_date")
            .with_columns(_later("end_date", ref))
        )
    spans = {
        "cin_episode": ("referral_date", "closure_date", ("closure_date", "closure_reason")),
        "assessment": ("start_date", "authorisation_date", ("authorisation_date",)),
        "cin_plan": ("start_date", "end_date", ("end_date",)),
        "protection_plan": ("start_date", "end_date", ("end_date", "end_reason")),
    }
    for name, (begins, ends, blanked) in spans.items():
        if name not in view:
            continue
        frame = view[name].filter(_started_by(begins, ref) & _not_ended_before(ends, start))
        later = pl.col(ends) > ref
        view[name] = frame.with_columns(
            pl.when(later).then(None).otherwise(pl.col(column)).alias(column) for column in blanked
        )
    if "conference" in view:
        view["conference"] = view["conference"].filter(_conference_kept(view, start))
    if "child" in view:
        view["child"] = view["child"].with_columns(_later("date_of_death", ref))
    return view


def _kept_with(view: Frames, column: str, table: str) -> pl.Expr:
    """The conference's link is empty, or points at a record in the view."""
    if table not in view:
        return pl.lit(True)
    return pl.col(column).is_null() | pl.col(column).is_in(view[table].get_column("ref").implode())


def _conference_kept(view: Frames, start: date) -> pl.Expr:
    icpc = pl.col("kind").is_in(ICPC_KINDS)
    with_enquiry = icpc & pl.col("section47").is_not_null()
    with_episode = icpc & pl.col("section47").is_null()
    review = pl.col("kind") == REVIEW
    return (
        pl.when(with_enquiry)
        .then(_kept_with(view, "section47", "section47"))
        .when(with_episode)
        .then(
            _kept_with(view, "episode", "cin_episode") & _kept_with(view, "plan", "protection_plan")
        )
        .when(review)
        .then(
            _kept_with(view, "plan", "protection_plan")
            & (pl.col("date_held").is_null() | (pl.col("date_held") >= start))
        )
        .otherwise(pl.lit(True))
    )


def rules_run(
    *, frames: Frames, context: RuleContext, codes: Iterable[str] | None = None
) -> RunResult:
    """Run the rules (all, or those named) over the frames; never raises for a rule."""
    rules: Mapping[str, Rule] = registry()
    if codes is not None:
        wanted = set(codes)
        rules = {code: rule for code, rule in rules.items() if code in wanted}
    frames = frames_conform(frames)
    result = RunResult(context=context, findings=pl.DataFrame(schema=RUN_SCHEMA))
    parts = []
    for code, rule in rules.items():
        missing = rule.missing_tables(frames)
        if missing:
            result.outcomes[code] = RuleOutcome(
                code, NOT_RUN, note=NOT_RUN_NOTE.format(tables=", ".join(missing))
            )
            continue
        started = time.perf_counter()
        try:
            found = rule(frames, context).select(
                pl.col(name).cast(dtype) for name, dtype in FINDING_SCHEMA.items()
            )
        except Exception as exc:  # a rule that fails is reported, never fatal
            result.outcomes[code] = RuleOutcome(
                code,
                FAILED,
                seconds=time.perf_counter() - started,
                note=FAILED_NOTE.format(error=f"{type(exc).__name__}: {exc}"),
            )
            result.outcomes[code].traceback = traceback.format_exc(limit=5)
            continue
        result.outcomes[code] = RuleOutcome(
            code, RAN, count=found.height, seconds=time.perf_counter() - started
        )
        if found.height:
            parts.append(
                found.select(
                    pl.lit(code).alias("rule"),
                    pl.lit(rule.severity).alias("severity"),
                    pl.lit(rule.message).alias("message"),
                    pl.all(),
                )
            )
    if parts:
        result.findings = pl.concat(parts, how="vertical")
    return result


# The date, team and worker of a record of each table, for attributing findings
# and completeness gaps: (date column, team column, worker column).
RECORD_ATTRIBUTES: dict[str, tuple[str | None, str | None, str | None]] = {
    "section47": ("start_date", "team", "worker"),
    "protection_plan": ("start_date", "team", None),
    "conference": ("date_held", "team", None),
    "cin_episode": ("referral_date", "team", "worker"),
    "involvement": ("start_date", "team", "professional"),
    "unallocated_episode": ("from_date", "team", None),
}
# Tables whose team and worker are those of the record they belong to:
# (the column pointing at it, its table, own date column, own worker column).
BELONGS_TO: dict[str, tuple[str, str, str | None, str | None]] = {
    "assessment": ("episode", "cin_episode", "start_date", None),
    "cin_plan": ("episode", "cin_episode", "start_date", None),
    "visit": ("plan", "protection_plan", "date", "professional"),
    "conference_attendance": ("conference", "conference", None, None),
}
ATTRIBUTES_SCHEMA = {
    "ref": pl.String,
    "_day": pl.Date,
    "_record_team": pl.String,
    "_record_worker": pl.String,
}


def _column_or_null(frame: pl.DataFrame, column: str | None, dtype) -> pl.Expr:
    if column is None or column not in frame.columns:
        return pl.lit(None, dtype=dtype)
    return pl.col(column).cast(dtype)


def _table_attributes(table: str, refs: pl.DataFrame, frames: Frames) -> pl.DataFrame | None:
    """(ref, _day, _record_team, _record_worker) for the given refs of one table."""
    if table not in frames:
        return None
    rows = frames[table].join(refs, on="ref", how="semi")
    if table in RECORD_ATTRIBUTES:
        day, team, worker = RECORD_ATTRIBUTES[table]
        return rows.select(
            "ref",
            _column_or_null(rows, day, pl.Date).alias("_day"),
            _column_or_null(rows, team, pl.String).alias("_record_team"),
            _column_or_null(rows, worker, pl.String).alias("_record_worker"),
        )
    if table in BELONGS_TO:
        link, parent, day, worker = BELONGS_TO[table]
        parents = _table_attributes(
            parent, rows.select(pl.col(link).alias("ref")).drop_nulls().unique(), frames
        )
        if parents is None:
            parents = pl.DataFrame(schema=ATTRIBUTES_SCHEMA)
        rows = rows.join(
            parents.rename(
                {"ref": link, "_day": "_parent_day", "_record_worker": "_parent_worker"}
            ),
            on=link,
            how="left",
        )
        return rows.select(
            "ref",
            (pl.col(day) if day else pl.col("_parent_day")).alias("_day"),
            "_record_team",
            pl.coalesce(_column_or_null(rows, worker, pl.String), "_parent_worker").alias(
                "_record_worker"
            ),
        )
    if table == "child":
        return rows.select(
            "ref",
            pl.lit(None, dtype=pl.Date).alias("_day"),
            _column_or_null(rows, "team", pl.String).alias("_record_team"),
            pl.lit(None, dtype=pl.String).alias("_record_worker"),
        )
    return None


def allocated_worker(
    records: pl.DataFrame, involvements: pl.DataFrame | None, *, day: str
) -> pl.DataFrame:
    """Add `allocated`: the child's allocated worker on the record's day.

    Every involvement is an allocation (casework.Involvement). The allocation
    is the child's latest to start on or before the day (then the highest
    ref), if it had not ended before the day. The day must not be null. The
    rows come back in the order of the day.

    The as-of join is by a 64-bit hash of the child's ref (much faster than by
    the text); the matched allocation's child is compared with the record's,
    so that a hash collision can only lose an allocation, never give a wrong one.
    """
    if involvements is None or involvements.height == 0 or records.height == 0:
        return records.with_columns(pl.lit(None, dtype=pl.String).alias("allocated"))
    spells = (
        involvements.filter(pl.col("start_date").is_not_null() & pl.col("child").is_not_null())
        .select(
            pl.col("child").hash().alias("_child_hash"),
            pl.col("child").alias("_spell_child"),
            pl.col("start_date").alias("_from"),
            pl.col("end_date").alias("_to"),
            pl.col("professional").alias("_allocated"),
            pl.col("ref").alias("_involvement"),
        )
        .sort("_from", "_involvement")
    )
    joined = (
        records.with_columns(pl.col("child").hash().alias("_child_hash"))
        .sort(day)
        .join_asof(
            spells,
            left_on=day,
            right_on="_from",
            by="_child_hash",
            strategy="backward",
            check_sortedness=False,
        )
    )
    covers = (pl.col("_spell_child") == pl.col("child")) & (
        pl.col("_to").is_null() | (pl.col("_to") >= pl.col(day))
    )
    return joined.with_columns(
        pl.when(covers).then(pl.col("_allocated")).otherwise(None).alias("allocated")
    ).drop("_child_hash", "_spell_child", "_from", "_to", "_allocated", "_involvement")


def child_teams(frames: Frames) -> pl.DataFrame:
    """(child, child_team): each child's current team (the child frame's `team`)."""
    if "child" not in frames or "team" not in frames["child"].columns:
        return pl.DataFrame(schema={"child": pl.String, "child_team": pl.String})
    return frames["child"].select(pl.col("ref").alias("child"), pl.col("team").alias("child_team"))


def records_attribute(
    records: pl.DataFrame,
    *,
    frames: Frames,
    default_day: date,
    day: str | None = None,
    with_child_team: bool = True,
) -> pl.DataFrame:
    """Add team, worker and (unless told not to) child_team, as refs, to rows with
    child, table and ref.

    team: the record's own team (or that of the record it belongs to: an
    assessment's episode, a visit's plan), else the child's current team.
    worker: the child's allocated worker (involvements) on the record's date,
    else the record's own worker. The record's date is the column `day` where
    given, else the record's main date (RECORD_ATTRIBUTES), else `default_day`.
    child_team: the child's current team, which decides who may see the row.
    Rows that already carry `_record_team` and `_record_worker` (completeness
    does) are not looked up again. The rows keep their order only with the
    child's team (findings); without it (completeness, a million rows and
    more) they come back in the order of their dates.
    """
    added = ("_day", "_record_team", "_record_worker")
    if records.height == 0:
        return records.with_columns(
            pl.lit(None, dtype=dtype).alias(name) for name, dtype in ATTRIBUTION_SCHEMA.items()
        ).drop([] if with_child_team else ["child_team"])
    frames = frames_conform(frames)
    rows = records
    if "_record_team" not in rows.columns:
        parts = []
        for table in rows.get_column("table").unique(maintain_order=True):
            group = rows.filter(pl.col("table") == table)
            refs = group.select("ref").drop_nulls().unique()
            attributes = _table_attributes(table, refs, frames)
            if attributes is None:
                parts.append(
                    group.with_columns(
                        pl.lit(None, dtype=ATTRIBUTES_SCHEMA[column]).alias(column)
                        for column in added
                    )
                )
            else:
                parts.append(group.join(attributes.unique(subset="ref"), on="ref", how="left"))
        rows = pl.concat(parts, how="diagonal_relaxed")
    elif "_day" not in rows.columns:
        rows = rows.with_columns(pl.lit(None, dtype=pl.Date).alias("_day"))
    when = pl.col(day) if day else pl.col("_day")
    rows = rows.with_columns(when.fill_null(pl.lit(default_day)).alias("_when"))
    teams = child_teams(frames)
    if with_child_team:
        rows = rows.with_row_index("_row").join(teams, on="child", how="left")
        team = pl.coalesce("_record_team", "child_team")
    else:
        # Only the rows with no team of their own need the child's.
        without = rows.filter(pl.col("_record_team").is_null())
        if without.height:
            filled = (
                without.join(teams, on="child", how="left")
                .with_columns(pl.col("child_team").alias("_record_team"))
                .drop("child_team")
            )
            rows = pl.concat([rows.filter(pl.col("_record_team").is_not_null()), filled])
        team = pl.col("_record_team")
    rows = allocated_worker(rows, frames.get("involvement"), day="_when")
    if with_child_team:
        rows = rows.sort("_row").drop("_row")
    return rows.select(
        pl.exclude("_when", "allocated", "child_team", *added),
        team.alias("team"),
        pl.coalesce("allocated", "_record_worker").alias("worker"),
        *(["child_team"] if with_child_team else []),
    )


def findings_attribute(
    findings: pl.DataFrame, *, frames: Frames, context: RuleContext
) -> pl.DataFrame:
    """The findings with the team and worker of each record (see records_attribute)."""
    return records_attribute(findings, frames=frames, default_day=context.reference_date)


# The dates that say when the data stands, for the default census year.
ACTIVITY_DATES: tuple[tuple[str, str], ...] = (
    ("cin_episode", "referral_date"),
    ("section47", "start_date"),
    ("protection_plan", "start_date"),
    ("protection_plan", "end_date"),
    ("conference", "date_held"),
    ("visit", "date"),
)


def census_year_end(day: date) -> date:
    """The reference date (31 March) of the census year holding `day`."""
    end = date(day.year, 3, 31)
    return end if day <= end else date(day.year + 1, 3, 31)


def data_as_at(*, frames: Frames, today: date) -> date:
    """The day the data stands at: its latest activity date up to today (else today)."""
    latest = None
    for table, column in ACTIVITY_DATES:
        if table not in frames or column not in frames[table].columns:
            continue
        value = frames[table].select(pl.col(column).filter(pl.col(column) <= today).max()).item()
        if value is not None and (latest is None or value > latest):
            latest = value
    return latest or today


def reference_date_default(*, frames: Frames, today: date) -> date:
    """The end of the census year the data is in (that of the day it stands at)."""
    return census_year_end(data_as_at(frames=frames, today=today))
