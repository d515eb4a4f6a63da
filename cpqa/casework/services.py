"""Writes to the casework facts.

`facts_load` is the one way facts enter the database, from an import or the
generator: it checks the canonical frames against the schema, resolves each
reference to its record, and upserts every table in one transaction.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from cpqa.core.bulk import rows_fetch, rows_insert, rows_update
from cpqa.core.models import Authority
from cpqa.core.services import data_version_bump

from .schema import Table, fact_table, fact_tables

UNKNOWN_TABLE = "There is no fact table called {table!r}."
UNKNOWN_COLUMN = "{table}: column {column!r} is not part of the table."
MISSING_COLUMN = "{table}: the required column {column!r} is missing."
NOT_OF_TYPE = "{table}: row {row}, {column} = {value!r} is not {expected}."
REQUIRED_EMPTY = "{table}: row {row}, {column} is empty but is required."
NOT_A_CHOICE = "{table}: row {row}, {column} = {value!r} is not one of {choices}."
TOO_LONG = "{table}: row {row}, {column} is longer than {max_length} characters."
DUPLICATE_REF = "{table}: row {row}, ref {value!r} appears more than once."
UNKNOWN_REFERENCE = "{table}: row {row}, {column} = {value!r} matches no {references}."
CONFERENCE_KIND_CLASH = (
    "conference: row {row}, ref {value!r} arrives as {arriving} conference but is held as "
    "{held} one: initial and review conferences need identifiers of their own (are they "
    "numbered from the same sequence in the source?)."
)
NO_SUCH_RECORD = "{table}: row {row}, ref {value!r} is not a record held, so it cannot be updated."

# At most this many problems of one kind are reported per column.
PROBLEMS_PER_COLUMN = 20

TYPE_NAMES = {
    pl.Date: "a date",
    pl.Boolean: "true or false",
    pl.Int64: "a whole number",
    pl.Float64: "a number",
    pl.String: "text",
}


class FactLoadError(Exception):
    """The frames could not be loaded; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class LoadCount:
    table: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0


@dataclass
class LoadResult:
    counts: dict[str, LoadCount] = field(default_factory=dict)
    data_version: int = 0

    @property
    def rows(self) -> int:
        return sum(count.rows for count in self.counts.values())


TRUE_WORDS = ("true", "1", "y", "yes")
FALSE_WORDS = ("false", "0", "n", "no")


def _convert(source: pl.Series, dtype) -> pl.Series:
    """Convert a column to a schema type; values that do not convert become null."""
    if source.dtype == pl.String and dtype == pl.Date:
        return source.str.strip_chars().str.to_date("%Y-%m-%d", strict=False)
    if source.dtype == pl.String and dtype == pl.Boolean:
        lowered = source.str.strip_chars().str.to_lowercase()
        return (
            pl.select(
                pl.when(lowered.is_in(TRUE_WORDS))
                .then(True)
                .when(lowered.is_in(FALSE_WORDS))
                .then(False)
                .otherwise(None)
            )
            .to_series()
            .alias(source.name)
        )
    if source.dtype == pl.String and dtype in (pl.Int64, pl.Float64):
        return source.str.strip_chars().cast(dtype, strict=False)
    return source.cast(dtype, strict=False)


def _rows_where(frame: pl.DataFrame, mask: pl.Expr, column: str) -> list[tuple[int, object]]:
    hits = (
        frame.with_row_index("_row", offset=1)
        .filter(mask)
        .select("_row", column)
        .head(PROBLEMS_PER_COLUMN)
    )
    return list(hits.iter_rows())


def facts_conform(
    *, table: Table, frame: pl.DataFrame, partial: bool = False
) -> tuple[pl.DataFrame, list[str]]:
    """Check a frame against its table and cast it to the schema's types.

    Returns the cast frame and every problem found (not only the first).
    Rows are numbered from 1 in the order of the frame. A partial frame (for
    updating records already held) has `ref` and only the columns it updates.
    """
    problems: list[str] = []
    names = set(table.column_names)
    for column in frame.columns:
        if column not in names:
            problems.append(UNKNOWN_COLUMN.format(table=table.name, column=column))
    cast: list[pl.Expr] = []
    for column in table.columns:
        if column.name not in frame.columns:
            if partial and column.name != "ref":
                continue
            if column.required:
                problems.append(MISSING_COLUMN.format(table=table.name, column=column.name))
            cast.append(pl.lit(None, dtype=column.dtype).alias(column.name))
            continue
        source = frame.get_column(column.name)
        if source.dtype == column.dtype or source.dtype == pl.Null:
            cast.append(pl.col(column.name).cast(column.dtype))
            continue
        converted = _convert(source, column.dtype)
        bad = source.is_not_null() & converted.is_null()
        if bad.any():
            for row, value in _rows_where(frame, pl.lit(bad), column.name):
                problems.append(
                    NOT_OF_TYPE.format(
                        table=table.name,
                        row=row,
                        column=column.name,
                        value=value,
                        expected=TYPE_NAMES.get(column.dtype, str(column.dtype)),
                    )
                )
        cast.append(pl.lit(converted).alias(column.name))
    if problems:
        return frame, problems
    result = frame.select(cast) if cast else frame
    for column in table.columns:
        if column.name not in result.columns:
            continue
        values = pl.col(column.name)
        if column.required:
            for row, _ in _rows_where(result, values.is_null(), column.name):
                problems.append(
                    REQUIRED_EMPTY.format(table=table.name, row=row, column=column.name)
                )
        if column.choices:
            mask = values.is_not_null() & (values != "") & ~values.is_in(list(column.choices))
            for row, value in _rows_where(result, mask, column.name):
                problems.append(
                    NOT_A_CHOICE.format(
                        table=table.name,
                        row=row,
                        column=column.name,
                        value=value,
                        choices=", ".join(column.choices),
                    )
                )
        if column.max_length and column.dtype == pl.String:
            mask = values.str.len_chars() > column.max_length
            for row, _ in _rows_where(result, mask, column.name):
                problems.append(
                    TOO_LONG.format(
                        table=table.name, row=row, column=column.name, max_length=column.max_length
                    )
                )
    duplicated = pl.col("ref").is_duplicated() & pl.col("ref").is_not_null()
    for row, value in _rows_where(result, duplicated, "ref"):
        problems.append(DUPLICATE_REF.format(table=table.name, row=row, value=value))
    return result, problems


def _ref_map(*, authority: Authority, table: Table) -> pl.DataFrame:
    return rows_fetch(
        sql=f"SELECT ref, id FROM {table.db_table} WHERE authority_id = %s",  # noqa: S608
        params=[authority.pk],
        schema={"ref": pl.String, "id": pl.Int64},
    )


def _check_references(
    *,
    authority: Authority,
    frames: Mapping[str, pl.DataFrame],
    arriving: Mapping[str, pl.DataFrame] | None = None,
) -> list[str]:
    """Every reference must match a record already held or one arriving with it."""
    arriving = frames if arriving is None else arriving
    problems: list[str] = []
    known_refs: dict[str, pl.Series] = {}
    for table in fact_tables():
        if table.name not in frames:
            continue
        for column in table.columns:
            target = column.references
            if target is None or column.name not in frames[table.name].columns:
                continue
            if target not in known_refs:
                held = _ref_map(authority=authority, table=fact_table(target)).get_column("ref")
                incoming = (
                    arriving[target].get_column("ref") if target in arriving else held.clear()
                )
                known_refs[target] = pl.concat([held, incoming]).unique()
            frame = frames[table.name]
            missing = pl.col(column.name).is_not_null() & ~pl.col(column.name).is_in(
                known_refs[target].implode()
            )
            for row, value in _rows_where(frame, missing, column.name):
                problems.append(
                    UNKNOWN_REFERENCE.format(
                        table=table.name,
                        row=row,
                        column=column.name,
                        value=value,
                        references=target.replace("_", " "),
                    )
                )
    return problems


def _resolve_references(
    *, authority: Authority, table: Table, frame: pl.DataFrame, maps: dict[str, pl.DataFrame]
) -> pl.DataFrame:
    """Add the id of the record each reference names. `maps` keeps each table's refs and
    ids once read; the caller drops a table's map when it writes to that table."""
    for column in table.columns:
        if column.references is None or column.name not in frame.columns:
            continue
        if column.references not in maps:
            maps[column.references] = _ref_map(
                authority=authority, table=fact_table(column.references)
            )
        targets = maps[column.references].rename({"ref": column.name, "id": f"_{column.name}_id"})
        frame = frame.join(targets, on=column.name, how="left", nulls_equal=False)
    return frame


def _upsert(
    *,
    authority: Authority,
    table: Table,
    frame: pl.DataFrame,
    import_run_id: int | None,
    user_id: int | None,
    provided: frozenset[str],
) -> LoadCount:
    """Insert new records; for records held, set only the columns the source provided.

    A source that does not carry a field (e.g. an Annex A workbook has no date
    of death) leaves what another source recorded for it as it was.
    """
    count = LoadCount(table=table.name, rows=frame.height)
    if frame.height == 0:
        return count
    existing = _ref_map(authority=authority, table=table)
    count.updated = frame.join(existing, on="ref", how="semi").height
    count.inserted = frame.height - count.updated
    values: list[pl.Expr] = []
    db_columns: list[str] = []
    for column in table.columns:
        db_columns.append(column.db_column)
        if column.references is not None:
            values.append(pl.col(f"_{column.name}_id"))
        elif column.dtype == pl.String and not column.required:
            field = table.model._meta.get_field(column.name)
            values.append(pl.col(column.name) if field.null else pl.col(column.name).fill_null(""))
        elif column.dtype == pl.Boolean or column.dtype == pl.Float64:
            field = table.model._meta.get_field(column.name)
            default = field.get_default() if field.has_default() else None
            expr = pl.col(column.name)
            values.append(expr.fill_null(default) if default is not None else expr)
        else:
            values.append(pl.col(column.name))
    # The time is adapted once, as Django would store it; on SQLite, dates go as
    # ISO text made by polars, not one Python adapter call per value.
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    if connection.vendor == "sqlite":
        values = [
            value.dt.to_string("%Y-%m-%d") if column.dtype == pl.Date else value
            for column, value in zip(table.columns, values, strict=True)
        ]
    rows = frame.select(
        pl.lit(authority.pk).alias("_authority"),
        *values,
        pl.lit(import_run_id, dtype=pl.Int64).alias("_import_run"),
        pl.lit(user_id, dtype=pl.Int64).alias("_entered_by"),
        pl.lit(now).alias("_recorded_at"),
    )
    all_columns = ["authority_id", *db_columns, "import_run_id", "entered_by_id", "recorded_at"]
    kept = {column.db_column for column in table.columns if column.name not in provided}
    updates = ", ".join(
        f"{name} = excluded.{name}"
        for name in all_columns
        if name not in ("authority_id", "ref") and name not in kept
    )
    rows_insert(
        table=table.db_table,
        frame=rows.rename(dict(zip(rows.columns, all_columns, strict=True))),
        conflict=f"ON CONFLICT (authority_id, ref) DO UPDATE SET {updates}",
    )
    return count


# Each child's current team: the team of their latest plan, allocation, enquiry,
# episode or unallocated period (a plan wins a tie). One pass with a window
# function, not a subquery per child.
CHILD_TEAM_SQL = """
WITH dated AS (
    SELECT child_id, team_id, start_date AS day, 1 AS priority FROM casework_protectionplan
        WHERE team_id IS NOT NULL AND authority_id = %(authority)s
    UNION ALL SELECT child_id, team_id, start_date, 2 FROM casework_involvement
        WHERE team_id IS NOT NULL AND authority_id = %(authority)s
    UNION ALL SELECT child_id, team_id, start_date, 3 FROM casework_section47
        WHERE team_id IS NOT NULL AND authority_id = %(authority)s
    UNION ALL SELECT child_id, team_id, referral_date, 4 FROM casework_cinepisode
        WHERE team_id IS NOT NULL AND authority_id = %(authority)s
    UNION ALL SELECT child_id, team_id, from_date, 5 FROM casework_unallocatedepisode
        WHERE team_id IS NOT NULL AND authority_id = %(authority)s
),
latest AS (
    SELECT child_id, team_id, ROW_NUMBER() OVER (
        PARTITION BY child_id ORDER BY day DESC NULLS LAST, priority
    ) AS position
    FROM dated
)
UPDATE casework_child SET team_id = latest.team_id
FROM latest
WHERE latest.child_id = casework_child.id
    AND latest.position = 1
    AND casework_child.authority_id = %(authority)s
    AND (casework_child.team_id IS NULL OR casework_child.team_id <> latest.team_id)
"""


def child_teams_refresh(*, authority: Authority) -> None:
    """Set each child's current team from their latest plan, allocation, enquiry or episode."""
    with connection.cursor() as cursor:
        cursor.execute(CHILD_TEAM_SQL, {"authority": authority.pk})


@transaction.atomic
def _update(*, authority: Authority, table: Table, frame: pl.DataFrame) -> LoadCount:
    """Set the given columns of records already held; provenance is left as it was."""
    count = LoadCount(table=table.name, rows=frame.height, updated=frame.height)
    columns = [c for c in table.columns if c.name in frame.columns and c.name != "ref"]
    if frame.height == 0 or not columns:
        return count
    values: list[pl.Expr] = []
    for column in columns:
        if column.references is not None:
            values.append(pl.col(f"_{column.name}_id"))
        elif column.dtype == pl.String and not table.model._meta.get_field(column.name).null:
            values.append(pl.col(column.name).fill_null(""))
        else:
            values.append(pl.col(column.name))
    rows = frame.select(
        *(value.alias(column.db_column) for value, column in zip(values, columns, strict=True)),
        pl.col("ref"),
    )
    if connection.vendor == "sqlite":
        rows = rows.with_columns(
            pl.col(column.db_column).dt.to_string("%Y-%m-%d")
            for column in columns
            if column.dtype == pl.Date
        )
    rows_update(
        table=table.db_table, frame=rows, key="ref", where=f"authority_id = {int(authority.pk)}"
    )
    return count


def _review_or_not(column: str) -> pl.Expr:
    return (
        pl.when(pl.col(column) == "review").then(pl.lit("a review")).otherwise(pl.lit("an initial"))
    )


def _check_conference_kinds(
    *, authority: Authority, frames: Mapping[str, pl.DataFrame]
) -> list[str]:
    """A conference held as a review must not come back as an initial one, nor the reverse.

    The SSD gives initial conferences and reviews identifiers from two tables; where
    a source numbers both from one sequence, one would silently replace the other.
    """
    frame = frames.get("conference")
    if frame is None or "kind" not in frame.columns:
        return []
    held = rows_fetch(
        sql="SELECT ref, kind FROM casework_conference WHERE authority_id = %s",
        params=[authority.pk],
        schema={"ref": pl.String, "_held": pl.String},
    )
    both = (
        frame.select("ref", "kind")
        .with_row_index("_row", offset=1)
        .join(held, on="ref", how="inner")
        .filter(
            pl.col("kind").is_not_null()
            & ((pl.col("kind") == "review") != (pl.col("_held") == "review"))
        )
        .head(PROBLEMS_PER_COLUMN)
        .with_columns(
            _review_or_not("kind").alias("_arriving"), _review_or_not("_held").alias("_held_as")
        )
    )
    return [
        CONFERENCE_KIND_CLASH.format(row=row, value=ref, arriving=arriving, held=held_as)
        for row, ref, arriving, held_as in both.select(
            "_row", "ref", "_arriving", "_held_as"
        ).iter_rows()
    ]


def _check_updates_exist(
    *, authority: Authority, updates: Mapping[str, pl.DataFrame], frames: Mapping[str, pl.DataFrame]
) -> list[str]:
    problems = []
    for name, frame in updates.items():
        held = _ref_map(authority=authority, table=fact_table(name)).get_column("ref")
        if name in frames:
            held = pl.concat([held, frames[name].get_column("ref")])
        missing = pl.col("ref").is_not_null() & ~pl.col("ref").is_in(held.implode())
        for row, value in _rows_where(frame, missing, "ref"):
            problems.append(NO_SUCH_RECORD.format(table=name, row=row, value=value))
    return problems


def facts_load(
    *,
    authority: Authority,
    frames: Mapping[str, pl.DataFrame],
    updates: Mapping[str, pl.DataFrame] | None = None,
    import_run=None,
    user=None,
    refresh_child_teams: bool = True,
) -> LoadResult:
    """Check and upsert canonical frames, all or nothing.

    `frames` are whole records, inserted or replaced by ref. `updates` are
    partial frames (ref and some columns) that set those columns of records
    already held or arriving in `frames`, e.g. a local table of the dates
    conference minutes were published. Raises FactLoadError with every problem
    found; the database is then as it was. A caller loading several sets of
    frames in one transaction may refresh the children's teams once at the end.
    """
    updates = updates or {}
    known = {table.name for table in fact_tables()}
    problems = [
        UNKNOWN_TABLE.format(table=name) for name in [*frames, *updates] if name not in known
    ]
    if problems:
        raise FactLoadError(problems)
    conformed: dict[str, pl.DataFrame] = {}
    partials: dict[str, pl.DataFrame] = {}
    for table in fact_tables():
        if table.name in frames:
            frame, found = facts_conform(table=table, frame=frames[table.name])
            problems.extend(found)
            conformed[table.name] = frame
        if table.name in updates:
            frame, found = facts_conform(table=table, frame=updates[table.name], partial=True)
            problems.extend(found)
            partials[table.name] = frame
    if problems:
        raise FactLoadError(problems)
    problems = _check_references(authority=authority, frames=conformed)
    problems += _check_references(authority=authority, frames=partials, arriving=conformed)
    problems += _check_updates_exist(authority=authority, updates=partials, frames=conformed)
    problems += _check_conference_kinds(authority=authority, frames=conformed)
    if problems:
        raise FactLoadError(problems)
    result = LoadResult()
    maps: dict[str, pl.DataFrame] = {}
    for table in fact_tables():
        if table.name not in conformed:
            continue
        frame = _resolve_references(
            authority=authority, table=table, frame=conformed[table.name], maps=maps
        )
        maps.pop(table.name, None)  # records of this table are added: read its map again
        result.counts[table.name] = _upsert(
            authority=authority,
            table=table,
            frame=frame,
            import_run_id=getattr(import_run, "pk", None),
            user_id=getattr(user, "pk", None),
            provided=frozenset(frames[table.name].columns),
        )
    for table in fact_tables():
        if table.name in partials:
            frame = _resolve_references(
                authority=authority, table=table, frame=partials[table.name], maps=maps
            )
            counted = _update(authority=authority, table=table, frame=frame)
            if table.name in result.counts:
                result.counts[table.name].updated += counted.updated
            else:
                result.counts[table.name] = counted
    if refresh_child_teams:
        child_teams_refresh(authority=authority)
    result.data_version = data_version_bump(authority=authority)
    return result
