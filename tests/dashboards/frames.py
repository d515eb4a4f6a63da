"""Small canonical frames for hand-worked examples of the dashboards' pure functions."""

import polars as pl

from cpqa.casework.schema import empty_frame


def frame(table: str, *rows: dict, extra: dict | None = None) -> pl.DataFrame:
    """A canonical frame of the table with these rows (missing columns are null).

    `extra` adds columns beyond the canonical ones (e.g. the child's current team)."""
    schema = dict(empty_frame(table).schema)
    schema.update(extra or {})
    return pl.DataFrame([{name: row.get(name) for name in schema} for row in rows], schema=schema)


def child_frame(*rows: dict) -> pl.DataFrame:
    """Children with their current team, as the frames read back from the database have."""
    return frame("child", *rows, extra={"team": pl.String})


def frames(**tables: list[dict]) -> dict[str, pl.DataFrame]:
    """Frames for every table the warnings read (empty unless given)."""
    names = (
        "team",
        "protection_plan",
        "visit",
        "conference",
        "core_group_meeting",
        "section47",
        "unallocated_episode",
        "conference_attendance",
    )
    result = {name: frame(name, *tables.get(name, [])) for name in names}
    result["child"] = child_frame(*tables.get("child", []))
    return result
