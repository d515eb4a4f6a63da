"""Findings as rows, and those rows as CSV or XLSX: pure functions, no database."""

import csv
import io
from collections.abc import Iterable, Sequence

import polars as pl

# The columns of a findings download and of `cpqa validate --format csv|json`.
FINDING_COLUMNS: tuple[str, ...] = (
    "rule",
    "severity",
    "child_id",
    "table",
    "record",
    "field",
    "value",
    "message",
    "detail",
    "team",
    "worker",
)
SHEET_NAME = "Findings"


def finding_rows(findings: Iterable) -> list[dict[str, str]]:
    """Stored findings (models.Finding) as rows of FINDING_COLUMNS."""
    return [
        {
            "rule": finding.rule,
            "severity": finding.severity,
            "child_id": finding.child_ref,
            "table": finding.table,
            "record": finding.record_ref,
            "field": finding.field,
            "value": finding.value,
            "message": finding.message,
            "detail": finding.detail,
            "team": finding.team.name if finding.team_id else "",
            "worker": finding.worker.name if finding.worker_id else "",
        }
        for finding in findings
    ]


def _safe(value: str) -> str:
    """Keep a spreadsheet from reading a value as a formula (CSV injection)."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def rows_csv(rows: Sequence[dict[str, str]], columns: Sequence[str] = FINDING_COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: _safe(str(row.get(column) or "")) for column in columns})
    return buffer.getvalue().encode("utf-8")


def rows_xlsx(rows: Sequence[dict[str, str]], columns: Sequence[str] = FINDING_COLUMNS) -> bytes:
    frame = pl.DataFrame(
        {column: [str(row.get(column) or "") for row in rows] for column in columns},
        schema=dict.fromkeys(columns, pl.String),
    )
    buffer = io.BytesIO()
    frame.write_excel(buffer, worksheet=SHEET_NAME, autofit=True)
    return buffer.getvalue()
