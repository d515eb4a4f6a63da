"""A report as data: sections of blocks (paragraphs, figures, tables, charts), no database.

The builders (builders/) make a `Report`; render.py turns the same Report into
a page, a PDF and an XLSX workbook, so the three cannot disagree. A table's
cells carry both the value (a number, a date or text, for the workbook) and
the text shown on a page, so a withheld figure is "fewer than 5" everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from .charts import Chart
from .periods import ReportPeriod

CellKind = Literal["text", "count", "percent", "number", "date"]
NUMERIC_KINDS = ("count", "percent", "number")

NO_VALUE = "no value"
NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class Cell:
    """One cell: its value (percentages 0 to 100), the text shown, and how it is formatted.

    tag: a red, amber or green rating shown beside the value ("" for none).
    """

    value: float | int | str | date | None
    text: str
    kind: CellKind = "text"
    tag: str = ""
    href: str = ""

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS

    @property
    def tag_label(self) -> str:
        return self.tag.capitalize()


@dataclass(frozen=True)
class Column:
    header: str
    kind: CellKind = "text"

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS


@dataclass
class Table:
    """A table, shown on the page and in the PDF (unless workbook_only) and a workbook sheet.

    sheet: the worksheet's name (at most 31 characters, unique in the report).
    """

    sheet: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    note: str = ""
    empty: str = "None."
    workbook_only: bool = False
    block: str = "table"

    @property
    def figures_only(self) -> bool:
        """Names in the first column and figures in each of at least two more (a table
        of teams): printed with columns of equal width (templates/reports/_table.html)."""
        return len(self.columns) > 2 and all(column.numeric for column in self.columns[1:])

    def __post_init__(self) -> None:
        if len(self.sheet) > 31:
            raise ValueError(f"sheet name {self.sheet!r} is longer than 31 characters")
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(
                    f"{self.title}: a row has {len(row)} cells, not {len(self.columns)}"
                )


@dataclass(frozen=True)
class Paragraph:
    text: str
    block: str = "paragraph"


@dataclass(frozen=True)
class Inset:
    """Text set apart: a warning or a note that must not be missed."""

    text: str
    block: str = "inset"


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    block: str = "bullets"


@dataclass(frozen=True)
class Figures:
    """Label and value pairs (a GOV.UK summary list)."""

    items: tuple[tuple[str, str], ...]
    block: str = "figures"


@dataclass(frozen=True)
class ChartBlock:
    chart: Chart
    note: str = ""
    block: str = "chart"


@dataclass
class Section:
    key: str
    heading: str
    blocks: list = field(default_factory=list)
    block: str = "section"

    def add(self, *blocks) -> Section:
        self.blocks.extend(block for block in blocks if block is not None)
        return self


@dataclass(frozen=True)
class SourceRun:
    """An import the data came from."""

    file_name: str
    format: str
    imported: datetime | None
    period_start: date | None
    period_end: date | None

    @property
    def text(self) -> str:
        parts = [f"{self.file_name} ({self.format}"]
        if self.period_start and self.period_end:
            parts.append(f", {_day(self.period_start)} to {_day(self.period_end)}")
        parts.append(")")
        if self.imported:
            parts.append(f", imported {_day(self.imported)} {self.imported:%H:%M}")
        return "".join(parts)


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


@dataclass
class Report:
    name: str
    title: str
    audience: str
    authority: str
    period: ReportPeriod
    as_at: date | None
    generated_at: datetime
    produced_for: str
    sources: list[SourceRun]
    sources_more: int = 0
    marking: str = "OFFICIAL"
    summary: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    landscape: bool = False
    child_refs: list[str] = field(default_factory=list)
    suppressed: bool = False

    def add(self, section: Section) -> Section:
        self.sections.append(section)
        return section

    @property
    def as_at_text(self) -> str:
        return f"{self.as_at.day} {self.as_at:%B %Y}" if self.as_at else "no data held"

    @property
    def file_stem(self) -> str:
        return f"cpqa-{self.name}-{self.period.text.replace(':', '_')}"

    def tables(self) -> Iterator[Table]:
        """Every table, in the order of the report (for the workbook)."""

        def walk(blocks) -> Iterator[Table]:
            for block in blocks:
                if isinstance(block, Table):
                    yield block
                elif isinstance(block, Section):
                    yield from walk(block.blocks)

        for section in self.sections:
            yield from walk(section.blocks)


# --- Cells -------------------------------------------------------------------------------


def text_cell(text: str | None, *, href: str = "") -> Cell:
    return Cell(text or "", text or "", "text", href=href)


def count_cell(value: int | float | None, *, withheld: str = "", tag: str = "") -> Cell:
    if withheld:
        return Cell(None, withheld, "count")
    if value is None:
        return Cell(None, NO_VALUE, "count")
    return Cell(int(value), f"{int(value):,}", "count", tag)


def percent_cell(value: float | None, *, withheld: str = "", tag: str = "") -> Cell:
    """A percentage, 0 to 100."""
    if withheld:
        return Cell(None, withheld, "percent")
    if value is None:
        return Cell(None, NO_VALUE, "percent")
    return Cell(float(value), f"{value:.1f}%", "percent", tag)


def number_cell(
    value: float | None, *, withheld: str = "", unit: str = "", places: int = 1
) -> Cell:
    if withheld:
        return Cell(None, withheld, "number")
    if value is None:
        return Cell(None, NO_VALUE, "number")
    text = f"{value:,.{places}f}" + (f" {unit}" if unit else "")
    return Cell(float(value), text, "number")


def date_cell(value: date | None) -> Cell:
    if value is None:
        return Cell(None, NOT_RECORDED, "date")
    return Cell(value, f"{value.day} {value:%b %Y}", "date")


def yes_no_cell(value: bool | None) -> Cell:
    text = NOT_RECORDED if value is None else ("Yes" if value else "No")
    return Cell(text, text, "text")
