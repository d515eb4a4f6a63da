"""Canonical frames out as cpqa's local table files, as the local-table importer reads them."""

from pathlib import Path
from typing import Literal

import polars as pl

from cpqa.casework.schema import empty_frame

from ..local_tables import LOCAL_TABLES, RECORDS, LocalTable
from ..tables import Kind, table_write


def local_table_from(*, table: LocalTable, frame: pl.DataFrame) -> pl.DataFrame:
    """One local table from the canonical frame it feeds."""
    columns = []
    for column in table.columns:
        if column.column is None:
            continue
        value = pl.col(column.column)
        if column.kind == Kind.MONTH:
            value = value.dt.strftime("%Y-%m")
        columns.append(value.alias(column.name))
    result = frame.select(columns)
    if table.mode == RECORDS:
        return result
    return result


def local_tables_from(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    return {
        table.name: local_table_from(
            table=table,
            frame=frames[table.target] if table.target in frames else empty_frame(table.target),
        )
        for table in LOCAL_TABLES
    }


def local_write(
    *, frames: dict[str, pl.DataFrame], directory: Path, format: Literal["csv", "xlsx"] = "csv"
) -> list[Path]:
    """Write canonical frames as cpqa local table files in `directory`; returns the paths."""
    return [
        table_write(frame=frame, name=name, directory=directory, format=format)
        for name, frame in local_tables_from(frames).items()
    ]
