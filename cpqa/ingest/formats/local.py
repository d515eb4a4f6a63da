"""The importer of cpqa's local tables (see cpqa/ingest/local_tables.py).

A file is one table (CSV) or a workbook with one table per sheet. The table
is recognised from the header row; the file or sheet name is only a hint.
"""

from pathlib import Path

import polars as pl

from cpqa.casework.schema import fact_table

from ..base import ParsedFile, Problem, register_importer
from ..keys import derived_ref
from ..local_tables import LOCAL_TABLES, RECORDS, LocalTable
from ..models import ImportFormat
from ..tables import (
    SHEET_IGNORED,
    Problems,
    ReadError,
    Reference,
    Sheet,
    TableFile,
    columns_check,
    duplicates_check,
    head_header,
    references_check,
    sheets_read,
    values_convert,
)

HEADER_NOT_A_TABLE = "the columns of the local table {table}: {columns}"
NO_TABLE = "the columns of one of cpqa's local tables: {tables}"
TABLE_TWICE = (
    "the table {table} is also on sheet {other}; expected each local table once in a workbook"
)
UNKNOWN_COLUMNS = "{where}: columns not part of {table} were ignored: {columns}."
READ_AS = "{where}: read as the local table {table} ({mode})."
NAMED_OTHERWISE = "{where}: named {hint} but its header row is that of {table}; read as {table}."


def local_table_match(header: list[str]) -> LocalTable | None:
    """The local table whose columns the header row names, if any."""
    names = {name for name in header if name}
    best, best_score = None, 0
    for table in LOCAL_TABLES:
        score = len(names & set(table.column_names))
        if score > best_score:
            best, best_score = table, score
    if best is None or best_score < 2 or best_score * 2 < len(names):
        return None
    return best


def _stem(name: str) -> str:
    return Path(name).stem.strip().lower()


def _hint(name: str | None) -> LocalTable | None:
    if not name:
        return None
    stem = _stem(name)
    for table in LOCAL_TABLES:
        if (
            stem == table.name
            or stem.startswith(table.name + "_")
            or stem.endswith("_" + table.name)
        ):
            return table
    return None


@register_importer
class LocalTableImporter:
    format = ImportFormat.LOCAL
    expected = (
        "a cpqa local table ("
        + ", ".join(table.name for table in LOCAL_TABLES)
        + ") as CSV or XLSX"
    )

    def detect(self, *, name: str, path: Path, head: bytes) -> bool:
        from .ssd import ssd_table_match

        for sheet, header in head_header(name=name, path=path, head=head):
            normalised = [h.strip().lower() for h in header]
            if ssd_table_match(normalised) is not None:
                return False
            if local_table_match(normalised) is not None:
                return True
            if _hint(sheet) is not None:
                return True
        return _hint(name) is not None

    def parse(self, *, name: str, path: Path, region: str) -> ParsedFile:
        parsed = TableFile(name=name, format=self.format, source="", frames={}, rows_read=0)
        try:
            sheets = sheets_read(name=name, path=path)
        except ReadError as exc:
            parsed.problems.extend(exc.problems)
            return parsed
        seen: dict[str, str] = {}
        tables: list[str] = []
        for sheet in sheets:
            parsed.notes.extend(sheet.notes)
            where = ", ".join(part for part in (name, sheet.where()) if part)
            table = local_table_match(sheet.header)
            hint = _hint(sheet.sheet) or (_hint(name) if sheet.sheet is None else None)
            if table is None:
                if hint is None and sheet.sheet is not None:
                    parsed.notes.append(f"{name}: " + SHEET_IGNORED.format(sheet=sheet.sheet))
                    continue
                expected = (
                    HEADER_NOT_A_TABLE.format(table=hint.name, columns=", ".join(hint.column_names))
                    if hint is not None
                    else NO_TABLE.format(tables=", ".join(t.name for t in LOCAL_TABLES))
                )
                parsed.problems.append(
                    Problem(name, sheet.where(1), "header row", ", ".join(sheet.header), expected)
                )
                continue
            if hint is not None and hint.name != table.name:
                parsed.notes.append(
                    NAMED_OTHERWISE.format(where=where, hint=hint.name, table=table.name)
                )
            if table.name in seen:
                parsed.problems.append(
                    Problem(
                        name,
                        sheet.where(1),
                        "",
                        None,
                        TABLE_TWICE.format(table=table.name, other=seen[table.name]),
                    )
                )
                continue
            seen[table.name] = sheet.sheet or ""
            tables.append(table.name)
            parsed.notes.append(
                READ_AS.format(
                    where=where,
                    table=table.name,
                    mode="whole records" if table.mode == RECORDS else "updates of records held",
                )
            )
            _table_parse(parsed=parsed, sheet=sheet, table=table)
        parsed.source = tables[0] if len(tables) == 1 else "local"
        return parsed

    def batch_check(self, *, authority, parsed) -> dict[int, list[Problem]]:
        return references_check(
            authority=authority, parsed=parsed, mine=lambda one: one.format == self.format
        )


def _table_parse(*, parsed: TableFile, sheet: Sheet, table: LocalTable) -> None:
    canonical = fact_table(table.target)
    checks = []
    for column in table.columns:
        max_length = None
        if column.column is not None and column.references is None:
            max_length = canonical.column(column.column).max_length
        checks.append(column.check(max_length=max_length))
    problems = Problems(sheet=sheet)
    columns_check(sheet=sheet, checks=checks, problems=problems)
    unknown = [name for name in sheet.header if name not in table.column_names]
    if unknown:
        parsed.notes.append(
            UNKNOWN_COLUMNS.format(
                where=", ".join(p for p in (sheet.file, sheet.where()) if p),
                table=table.name,
                columns=", ".join(unknown),
            )
        )
    values = values_convert(sheet=sheet, checks=checks, problems=problems)
    parsed.rows_read += sheet.frame.height
    if table.mode == RECORDS:
        derived = derived_ref(*(pl.col(name) for name in table.derive_from))
        ref = pl.coalesce(pl.col(table.id_column), derived)
        refs = values.select(ref.alias("ref")).get_column("ref")
        duplicates_check(sheet=sheet, ids=refs, field_name=table.id_column, problems=problems)
        frame = values.select(
            refs.alias("ref"),
            *(
                pl.col(column.name).alias(column.column)
                for column in table.columns
                if column.column not in (None, "ref")
            ),
        )
        parsed.frames[table.target] = frame
    else:
        if table.id_column not in sheet.frame.columns:
            # Nothing to update without it; columns_check has reported it missing.
            parsed.problems.extend(problems.items)
            return
        present = [c for c in table.columns if c.name in sheet.frame.columns]
        frame = values.select(pl.col(c.name).alias(c.column) for c in present)
        duplicates_check(
            sheet=sheet, ids=frame.get_column("ref"), field_name=table.id_column, problems=problems
        )
        parsed.updates[table.target] = frame
    for column in table.columns:
        if column.references is None or column.name not in sheet.frame.columns:
            continue
        parsed.references.append(
            Reference(
                table=table.target,
                column=column.column,
                target=column.references,
                field=column.name,
                sheet=sheet.sheet,
                rows=sheet.rows,
                updates=table.mode != RECORDS,
            )
        )
    parsed.problems.extend(problems.items)
