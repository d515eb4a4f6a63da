"""A Report as a PDF (WeasyPrint), an XLSX workbook (XlsxWriter) or a standalone HTML file.

No network: the PDF is drawn from a string with its own print stylesheet
(static/reports/report-print.css) and charts as data: images, and a URL fetcher
that refuses anything else. The workbook has a sheet saying what the report is,
its period and its sources, then one sheet per table, with headings, number
formats (counts, percentages, dates) and text written as text, never as a
formula.
"""

from __future__ import annotations

import io
import logging
import re
from datetime import date, datetime
from pathlib import Path

import weasyprint
import xlsxwriter
from django.template.loader import render_to_string
from weasyprint.urls import URLFetcher

from .collector import collector_paused
from .document import Cell, Report, Table

PRINT_CSS = Path(__file__).resolve().parent / "static" / "reports" / "report-print.css"
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)
ABOUT_SHEET = "About"
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

# fontTools (WeasyPrint's font subsetter when HarfBuzz-Subset is not installed) logs
# each font's tables at INFO: dozens of lines a PDF in the server's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)


def _print_context(report: Report, *, embed_css: bool) -> dict:
    return {
        "report": report,
        "css": PRINT_CSS.read_text(encoding="utf-8") if embed_css else "",
    }


def report_print_html(report: Report, *, embed_css: bool = True) -> str:
    """The report as one HTML file, its print stylesheet inside (for `--format html`)."""
    return render_to_string(
        "reports/report_print.html", _print_context(report, embed_css=embed_css)
    )


def report_pdf(report: Report) -> bytes:
    """The report as a PDF: A4, page numbers "Page X of Y", the period and as-at date on
    every page."""
    with collector_paused:
        html = report_print_html(report, embed_css=False)
        # Only data: addresses (the charts) are read: nothing from a file or the network.
        fetcher = URLFetcher(allowed_protocols={"data"})
        document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
        stylesheet = weasyprint.CSS(
            string=PRINT_CSS.read_text(encoding="utf-8"), url_fetcher=fetcher
        )
        # Tagged (the structure for screen readers): about a tenth of the time at scale 5.
        return document.write_pdf(stylesheets=[stylesheet], pdf_tags=True)


def _sheet_name(name: str, used: set[str]) -> str:
    base = SHEET_FORBIDDEN.sub(" ", name).strip("'")[:31] or "Sheet"
    candidate, number = base, 2
    while candidate.lower() in used:
        suffix = f" {number}"
        candidate = base[: 31 - len(suffix)] + suffix
        number += 1
    used.add(candidate.lower())
    return candidate


class _Formats:
    def __init__(self, workbook) -> None:
        self.heading = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.text = workbook.add_format({"valign": "top"})
        self.count = workbook.add_format({"num_format": "#,##0", "valign": "top"})
        self.percent = workbook.add_format({"num_format": "0.0%", "valign": "top"})
        self.number = workbook.add_format({"num_format": "#,##0.0", "valign": "top"})
        self.date = workbook.add_format({"num_format": "d mmm yyyy", "valign": "top"})
        self.right = workbook.add_format({"align": "right", "valign": "top"})


def _write_cell(sheet, row: int, column: int, cell: Cell, formats: _Formats) -> int:
    """Write a cell; return the width it needs."""
    value = cell.value
    if value is None or cell.kind == "text" or isinstance(value, str):
        sheet.write_string(row, column, cell.text, formats.right if cell.numeric else formats.text)
        return len(cell.text)
    if cell.kind == "date" and isinstance(value, date):
        sheet.write_datetime(row, column, value, formats.date)
        return 11
    if cell.kind == "percent":
        sheet.write_number(row, column, float(value) / 100, formats.percent)
        return 8
    fmt = formats.count if cell.kind == "count" else formats.number
    sheet.write_number(row, column, float(value), fmt)
    return max(8, len(cell.text))


def _write_table(workbook, name: str, table: Table, formats: _Formats) -> None:
    sheet = workbook.add_worksheet(name)
    widths = [min(40, max(10, len(column.header) // 2 + 2)) for column in table.columns]
    for index, column in enumerate(table.columns):
        sheet.write_string(0, index, column.header, formats.heading)
    for row_index, row in enumerate(table.rows, start=1):
        for index, cell in enumerate(row):
            needed = _write_cell(sheet, row_index, index, cell, formats)
            widths[index] = min(60, max(widths[index], needed + 2))
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width)
    sheet.freeze_panes(1, 1 if len(table.columns) > 2 else 0)
    if table.rows:
        sheet.autofilter(0, 0, len(table.rows), len(table.columns) - 1)
    else:
        sheet.write_string(1, 0, table.empty, formats.text)


def _about_rows(report: Report) -> list[tuple[str, str | date | datetime]]:
    rows: list[tuple[str, str | date | datetime]] = [
        ("Report", report.title),
        ("For", report.audience),
        ("Authority", report.authority),
        ("Period", report.period.label),
        ("From", report.period.start),
        ("To", report.period.end),
        ("Period as written", report.period.text),
        ("Data as at", report.as_at or "no data held"),
        ("Produced", report.generated_at.replace(tzinfo=None, microsecond=0)),
        ("Produced for", report.produced_for),
        ("Marking", report.marking),
    ]
    for index, source in enumerate(report.sources, start=1):
        rows.append(("Source" if index == 1 else "", source.text))
    if not report.sources:
        rows.append(("Source", "No import is recorded."))
    if report.sources_more:
        rows.append(("", f"and {report.sources_more} earlier imports"))
    for index, text in enumerate(report.summary):
        rows.append(("About" if index == 0 else "", text))
    return rows


def report_xlsx(report: Report) -> bytes:
    """The report's tables as a workbook: an About sheet, then one sheet per table."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": "d mmm yyyy",
        },
    )
    workbook.set_properties(
        {
            "title": f"{report.title}: {report.period.label}",
            "subject": report.period.label,
            "author": "cpqa",
            "company": report.authority,
            "comments": f"Data as at {report.as_at_text}. {report.marking}.",
        }
    )
    formats = _Formats(workbook)
    used = {ABOUT_SHEET.lower()}
    about = workbook.add_worksheet(ABOUT_SHEET)
    about.set_column(0, 0, 22)
    about.set_column(1, 1, 100)
    about.set_column(2, 2, 60)
    about.write_string(0, 0, report.title, formats.title)
    line = 2
    for label, value in _about_rows(report):
        about.write_string(line, 0, label, formats.heading)
        if isinstance(value, datetime):
            about.write_datetime(
                line, 1, value, workbook.add_format({"num_format": "d mmm yyyy hh:mm"})
            )
        elif isinstance(value, date):
            about.write_datetime(line, 1, value, formats.date)
        else:
            about.write_string(line, 1, str(value), formats.wrap)
        line += 1
    line += 1
    about.write_string(line, 0, "Sheet", formats.heading)
    about.write_string(line, 1, "What it holds", formats.heading)
    about.write_string(line, 2, "Note", formats.heading)
    tables = [(_sheet_name(table.sheet, used), table) for table in report.tables()]
    for name, table in tables:
        line += 1
        about.write_string(line, 0, name, formats.text)
        about.write_string(line, 1, table.title, formats.wrap)
        about.write_string(line, 2, table.note, formats.wrap)
    for name, table in tables:
        _write_table(workbook, name, table, formats)
    workbook.close()
    return buffer.getvalue()


def report_file(report: Report, *, format: str) -> bytes:
    """The report in one of FORMATS, as bytes."""
    if format == "pdf":
        return report_pdf(report)
    if format == "xlsx":
        return report_xlsx(report)
    if format == "html":
        return report_print_html(report).encode("utf-8")
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")


def report_filename(report: Report, *, format: str) -> str:
    return f"{report.file_stem}.{format}"
