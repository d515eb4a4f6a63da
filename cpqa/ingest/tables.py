"""Reading tables from CSV and XLSX files, and checking their values.

Shared by the SSD and local-table importers. Every value is read as text
first (so nothing is lost or guessed by a spreadsheet library), then each
column is checked and converted to its type with polars, and every value
that does not fit is reported with the file, the sheet and row, the field,
the value and what was expected.

Decisions, documented in docs/data-dictionary.md:

- CSV files are UTF-8, with or without a byte-order mark (Excel's "CSV UTF-8").
  UTF-16 with a byte-order mark (what some SQL Server tools write) is read
  too, because the mark makes it unambiguous. Anything else that is not valid
  UTF-8 (for instance Windows-1252 or Latin-1 from Excel's plain "CSV") is
  refused with the line it was found on, rather than guessed at.
- Rows are numbered as a spreadsheet shows them: the header is row 1.
- A row whose first cell starts with "NOTE:" is the notes row of a cpqa
  template and is skipped.
- Empty cells, cells of spaces and the SSD's literal "PLACEHOLDER_DATA" are
  empty.
- In a workbook, a sheet that is not a table cpqa knows is ignored with a
  note (workbooks often carry a notes or read-me sheet).
"""

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import polars as pl

from .base import ParsedFile, Problem

# At most this many problems of one kind (field and check) are listed per sheet;
# then one more problem says how many rows had it in all.
PROBLEMS_PER_FIELD = 50

NOTES_MARKER = "NOTE:"
PLACEHOLDER = "PLACEHOLDER_DATA"
XLSX_SUFFIXES = (".xlsx", ".xlsm")
ZIP_MAGIC = b"PK\x03\x04"

NOT_UTF8 = (
    "the file is not UTF-8 text: byte {byte} on line {line} is not UTF-8; expected UTF-8 "
    "(in Excel, save as 'CSV UTF-8 (Comma delimited)')"
)
NOT_READABLE_CSV = (
    "the file cannot be read as CSV ({error}); expected comma-separated values with one header row"
)
NOT_READABLE_XLSX = (
    "the file cannot be read as an Excel workbook ({error}); expected an .xlsx workbook"
)
NUL_CHARACTER = (
    "line {line} holds a NUL character (byte 0x00), which no text field can hold; expected "
    "plain text (the file may be damaged, or not a CSV file)"
)
EMPTY_FILE = "the file is empty; expected a header row naming the columns, and rows of data"
DUPLICATE_COLUMN = "each column to appear once in the header row"
MISSING_COLUMN = "a column called {column!r} in the header row: it is required and missing"
REQUIRED = "a value: {field} is required"
MORE_PROBLEMS = "{count:,} rows in all have this problem; the first {shown} are listed"
DUPLICATE_ID = "each {field} to appear once in the table (it is also on row {first})"
TOO_LONG = "at most {max_length} characters"
NOTES_ROW_SKIPPED = "{where}: row {row} is the notes row of a cpqa template and was skipped."
SHEET_IGNORED = "Sheet {sheet!r} is not a table cpqa knows and was ignored."

DATE_EXPECTED = "a date such as 2025-03-31, 2025-03-31 00:00:00.000 or 31/03/2025"
MONTH_EXPECTED = "a month such as 2025-03 or a date in it such as 2025-03-01 or 01/03/2025"
FLAG_EXPECTED = "Y or N (also accepted: 1 or 0, true or false, yes or no)"
NUMBER_EXPECTED = "a number such as 1 or 0.5"
INTEGER_EXPECTED = "a whole number such as 3"

TRUE_WORDS = ("y", "yes", "1", "true", "t")
FALSE_WORDS = ("n", "no", "0", "false", "f")

ISO_DATE = r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
UK_DATE = r"^\d{1,2}/\d{1,2}/\d{4}(?: \d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
MONTH_ONLY = r"^\d{4}-\d{2}$"


# --- Reading ----------------------------------------------------------------------


@dataclass
class Sheet:
    """One table as read from a file: every value is text (or null when empty).

    `rows` holds the spreadsheet row number of each row of `frame` (header = 1).
    `sheet` is None for a CSV file.
    """

    file: str
    sheet: str | None
    header: list[str]
    frame: pl.DataFrame
    rows: pl.Series
    notes: list[str] = field(default_factory=list)

    def where(self, row: int | None = None) -> str:
        parts = []
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet}")
        if row is not None:
            parts.append(f"row {row}")
        return ", ".join(parts)


class ReadError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def normalise_name(text: str) -> str:
    return str(text).strip().strip('"').strip().lstrip("\ufeff").strip().lower()


def is_xlsx(*, name: str, head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC) and name.lower().endswith(XLSX_SUFFIXES)


def decode_text(data: bytes) -> tuple[str | None, int | None, int | None]:
    """Text of a CSV file's bytes; or None with the offending byte and line."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None, None
        except UnicodeDecodeError as exc:
            return None, data[exc.start], data[: exc.start].count(b"\n") // 2 + 1
    try:
        return data.decode("utf-8"), None, None
    except UnicodeDecodeError as exc:
        return None, data[exc.start], data[: exc.start].count(b"\n") + 1


def head_header(*, name: str, path: Path, head: bytes) -> list[tuple[str | None, list[str]]]:
    """The header row of each table in a file, cheaply, for detection."""
    if is_xlsx(name=name, head=head):
        try:
            from python_calamine import CalamineWorkbook

            workbook = CalamineWorkbook.from_path(str(path))
            headers = []
            for sheet_name in workbook.sheet_names:
                rows = workbook.get_sheet_by_name(sheet_name).to_python(nrows=1)
                headers.append((sheet_name, [_cell_text(v) or "" for v in rows[0]] if rows else []))
            return headers
        except Exception:
            return []
    text = _head_text(head)
    if text is None:
        return []
    first_line = text.splitlines()[0] if text else ""
    try:
        header = next(csv.reader([first_line]))
    except (csv.Error, StopIteration):
        return []
    return [(None, header)]


def _head_text(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if b"\x00" in head:
        return None
    return head.decode("utf-8", errors="replace")


def sheets_read(*, name: str, path: Path) -> list[Sheet]:
    """Every table of a CSV file or XLSX workbook, all values as text.

    Raises ReadError if the file cannot be read at all.
    """
    with path.open("rb") as handle:
        head = handle.read(8)
    if is_xlsx(name=name, head=head):
        return _xlsx_read(name=name, path=path)
    return [_csv_read(name=name, path=path)]


def _csv_read(*, name: str, path: Path) -> Sheet:
    data = path.read_bytes()
    text, byte, line = decode_text(data)
    if text is None:
        raise ReadError(
            [
                Problem(
                    name, f"line {line}", "", None, NOT_UTF8.format(byte=f"0x{byte:02X}", line=line)
                )
            ]
        )
    if "\x00" in text:
        # Beyond the first bytes (detection refuses it there): no database text takes it.
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ReadError([Problem(name, f"line {line}", "", None, NUL_CHARACTER.format(line=line))])
    if not text.strip():
        raise ReadError([Problem(name, "", "", None, EMPTY_FILE)])
    try:
        frame = pl.read_csv(
            io.StringIO(text).read().encode("utf-8"),
            infer_schema=False,
            has_header=False,
            truncate_ragged_lines=False,
        )
    except Exception as exc:
        error = str(exc).splitlines()[0][:200]
        raise ReadError(
            [Problem(name, "", "", None, NOT_READABLE_CSV.format(error=error))]
        ) from exc
    header = [value or "" for value in frame.row(0)]
    body = frame.slice(1)
    return _sheet(file=name, sheet=None, header=header, body=body)


def _cell_text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _column_text(values: Sequence) -> list[str | None]:
    if all(type(value) is str for value in values):
        return [value or None for value in values]
    return [_cell_text(value) for value in values]


def _xlsx_read(*, name: str, path: Path) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = []
        for sheet_name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
            if not rows:
                sheets.append(
                    Sheet(name, sheet_name, [], pl.DataFrame(), pl.Series("row", [], pl.Int64))
                )
                continue
            width = max(len(row) for row in rows)
            columns = list(
                zip(*(list(row) + [""] * (width - len(row)) for row in rows), strict=True)
            )
            texts = [_column_text(column) for column in columns]
            header = [text or "" for text in (column[0] for column in texts)]
            body = pl.DataFrame(
                {f"column_{index + 1}": column[1:] for index, column in enumerate(texts)},
                schema={f"column_{index + 1}": pl.String for index in range(width)},
            )
            sheets.append(_sheet(file=name, sheet=sheet_name, header=header, body=body))
        return sheets
    except ReadError:
        raise
    except Exception as exc:
        error = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise ReadError(
            [Problem(name, "", "", None, NOT_READABLE_XLSX.format(error=error))]
        ) from exc


def _sheet(*, file: str, sheet: str | None, header: list[str], body: pl.DataFrame) -> Sheet:
    """Name the columns from the header, blank out empty values, drop empty rows and notes."""
    names = [normalise_name(text) for text in header]
    # Trailing columns with no header and no values are spreadsheet debris.
    while names and not names[-1] and body.get_column(body.columns[len(names) - 1]).is_null().all():
        names.pop()
    body = body.select(body.columns[: len(names)]) if names else pl.DataFrame()
    labels = [text or f"column {index + 1}" for index, text in enumerate(names)]
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label}#{seen[label]}")
    body = body.rename(dict(zip(body.columns, unique, strict=True))) if names else body
    rows = pl.Series("row", range(2, body.height + 2), dtype=pl.Int64)
    if body.width:
        cleaned = [
            pl.col(column).str.strip_chars().replace({"": None, PLACEHOLDER: None})
            for column in body.columns
        ]
        body = body.with_columns(cleaned).with_columns(rows.alias("_row"))
        first = body.columns[0]
        is_notes = pl.col(first).str.starts_with(NOTES_MARKER).fill_null(False)
        notes_rows = body.filter(is_notes).get_column("_row").to_list()
        empty = pl.all_horizontal(pl.col(c).is_null() for c in unique)
        body = body.filter(~empty & ~is_notes)
        rows = body.get_column("_row")
        body = body.drop("_row")
    else:
        notes_rows = []
    result = Sheet(file=file, sheet=sheet, header=unique, frame=body, rows=rows)
    for row in notes_rows:
        result.notes.append(
            NOTES_ROW_SKIPPED.format(
                where=", ".join(p for p in (file, result.where()) if p), row=row
            )
        )
    return result


# --- Checking and converting --------------------------------------------------------


class Kind:
    TEXT = "text"
    ID = "id"
    DATE = "date"
    MONTH = "month"
    FLAG = "flag"
    NUMBER = "number"
    INTEGER = "integer"
    CODE = "code"


KIND_NAMES = {
    Kind.TEXT: "text",
    Kind.ID: "identifier",
    Kind.DATE: "date",
    Kind.MONTH: "month",
    Kind.FLAG: "Y or N",
    Kind.NUMBER: "number",
    Kind.INTEGER: "whole number",
    Kind.CODE: "code",
}


@dataclass(frozen=True)
class Check:
    """How one column of a file is checked and converted."""

    name: str
    kind: str
    required: bool = False
    # For codes: accepted value (compared in upper case) -> the value cpqa stores.
    codes: Mapping[str, str] | None = None
    max_length: int | None = None
    expected: str = ""

    def expected_text(self) -> str:
        if self.expected:
            return self.expected
        if self.kind == Kind.CODE and self.codes:
            shown = list(dict.fromkeys(self.codes.values()))
            return "one of " + ", ".join(shown)
        return {
            Kind.DATE: DATE_EXPECTED,
            Kind.MONTH: MONTH_EXPECTED,
            Kind.FLAG: FLAG_EXPECTED,
            Kind.NUMBER: NUMBER_EXPECTED,
            Kind.INTEGER: INTEGER_EXPECTED,
        }.get(self.kind, "text")


def date_expr(column: pl.Expr) -> pl.Expr:
    """Text to a date: ISO dates and datetimes, or dd/mm/yyyy (time ignored); else null."""
    iso = column.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    uk = column.str.extract(r"^(\d{1,2}/\d{1,2}/\d{4})", 1).str.to_date("%d/%m/%Y", strict=False)
    day = (
        pl.when(column.str.contains(ISO_DATE))
        .then(iso)
        .when(column.str.contains(UK_DATE))
        .then(uk)
        .otherwise(None)
    )
    # Year 0 parses in polars but no database or Python date can hold it.
    return pl.when(day.dt.year() >= 1).then(day)


def month_expr(column: pl.Expr) -> pl.Expr:
    as_month = (column + "-01").str.to_date("%Y-%m-%d", strict=False)
    whole = pl.when(column.str.contains(MONTH_ONLY)).then(as_month).otherwise(date_expr(column))
    month = whole.dt.truncate("1mo")
    return pl.when(month.dt.year() >= 1).then(month)


def flag_expr(column: pl.Expr) -> pl.Expr:
    lowered = column.str.to_lowercase()
    return (
        pl.when(lowered.is_in(TRUE_WORDS))
        .then(True)
        .when(lowered.is_in(FALSE_WORDS))
        .then(False)
        .otherwise(None)
    )


def convert_expr(check: Check, column: pl.Expr) -> pl.Expr:
    """The converted value of a text column (null where it does not convert)."""
    if check.kind == Kind.DATE:
        return date_expr(column)
    if check.kind == Kind.MONTH:
        return month_expr(column)
    if check.kind == Kind.FLAG:
        return flag_expr(column)
    if check.kind == Kind.NUMBER:
        number = column.str.replace_all(",", "").cast(pl.Float64, strict=False)
        # NaN and infinity are not numbers a table can mean (SQLite stores NaN as NULL).
        return pl.when(number.is_finite()).then(number)
    if check.kind == Kind.INTEGER:
        number = column.cast(pl.Float64, strict=False)
        return pl.when(number == number.floor()).then(number.cast(pl.Int64)).otherwise(None)
    if check.kind == Kind.CODE and check.codes is not None:
        return column.str.to_uppercase().replace_strict(
            {key.upper(): value for key, value in check.codes.items()},
            default=None,
            return_dtype=pl.String,
        )
    return column


@dataclass
class Problems:
    """Problems found in one sheet, listed with at most PROBLEMS_PER_FIELD of each kind."""

    sheet: Sheet
    found: list[tuple[float, int, Problem]] = field(default_factory=list)

    @property
    def items(self) -> list[Problem]:
        """In the order of the rows, then of the checks."""
        return [problem for _, _, problem in sorted(self.found, key=lambda f: (f[0], f[1]))]

    def _append(self, row: float, problem: Problem) -> None:
        self.found.append((row, len(self.found), problem))

    def add_rows(
        self, *, mask: pl.Series, field_name: str, values: pl.Series, expected: str
    ) -> None:
        """Report each row where `mask` is true."""
        if not mask.any():
            return
        rows = self.sheet.rows.filter(mask)
        shown_values = values.filter(mask)
        total = rows.len()
        for row, value in zip(
            rows.head(PROBLEMS_PER_FIELD).to_list(),
            shown_values.head(PROBLEMS_PER_FIELD).to_list(),
            strict=True,
        ):
            self._append(
                row, Problem(self.sheet.file, self.sheet.where(row), field_name, value, expected)
            )
        if total > PROBLEMS_PER_FIELD:
            self._append(
                float("inf"),
                Problem(
                    self.sheet.file,
                    self.sheet.where(),
                    field_name,
                    None,
                    expected + ". " + MORE_PROBLEMS.format(count=total, shown=PROBLEMS_PER_FIELD),
                ),
            )

    def add(self, *, field_name: str, expected: str, row: int | None = None, value=None) -> None:
        self._append(
            float("inf") if row is None else row,
            Problem(self.sheet.file, self.sheet.where(row), field_name, value, expected),
        )


def columns_check(*, sheet: Sheet, checks: Sequence[Check], problems: Problems) -> None:
    """Every required column present; no column named twice."""
    for label in sheet.header:
        if "#" in label:
            problems.add(field_name=label.split("#")[0], expected=DUPLICATE_COLUMN, row=1)
    for check in checks:
        if check.required and check.name not in sheet.frame.columns:
            problems.add(
                field_name=check.name, expected=MISSING_COLUMN.format(column=check.name), row=1
            )


def values_convert(*, sheet: Sheet, checks: Sequence[Check], problems: Problems) -> pl.DataFrame:
    """Check and convert every column that has a check; report every bad value.

    Returns a frame with one column per check (null where absent) of the
    converted values, in the order of the sheet's rows.
    """
    frame = sheet.frame.with_row_index("_index")
    present = {check.name for check in checks if check.name in frame.columns}
    converted = frame.select(
        pl.col("_index"),
        *(
            convert_expr(check, pl.col(check.name).cast(pl.String)).alias(check.name)
            if check.name in present
            else pl.lit(None, dtype=_dtype(check)).alias(check.name)
            for check in checks
        ),
    ).drop("_index")
    for check in checks:
        if check.name not in present:
            continue
        raw = frame.get_column(check.name)
        value = converted.get_column(check.name)
        bad = raw.is_not_null() & value.is_null()
        problems.add_rows(
            mask=bad, field_name=check.name, values=raw, expected=check.expected_text()
        )
        if check.required:
            problems.add_rows(
                mask=raw.is_null(),
                field_name=check.name,
                values=raw,
                expected=REQUIRED.format(field=check.name),
            )
        if check.max_length and check.kind in (Kind.TEXT, Kind.ID):
            long = raw.str.len_chars().fill_null(0) > check.max_length
            problems.add_rows(
                mask=long,
                field_name=check.name,
                values=raw,
                expected=TOO_LONG.format(max_length=check.max_length),
            )
    return converted.select(check.name for check in checks)


def _dtype(check: Check) -> pl.DataType:
    return {
        Kind.DATE: pl.Date,
        Kind.MONTH: pl.Date,
        Kind.FLAG: pl.Boolean,
        Kind.NUMBER: pl.Float64,
        Kind.INTEGER: pl.Int64,
    }.get(check.kind, pl.String)


def duplicates_check(*, sheet: Sheet, ids: pl.Series, field_name: str, problems: Problems) -> None:
    """Report each repeat of an identifier, naming the row it first appeared on."""
    frame = pl.DataFrame({"id": ids, "row": sheet.rows})
    first = frame.group_by("id").agg(pl.col("row").min().alias("first"))
    repeats = frame.join(first, on="id").filter(
        pl.col("id").is_not_null() & (pl.col("row") != pl.col("first"))
    )
    for row, value, first_row in (
        repeats.select("row", "id", "first").head(PROBLEMS_PER_FIELD).iter_rows()
    ):
        problems.add(
            field_name=field_name,
            expected=DUPLICATE_ID.format(field=field_name, first=first_row),
            row=row,
            value=value,
        )
    if repeats.height > PROBLEMS_PER_FIELD:
        problems.add(
            field_name=field_name,
            expected=DUPLICATE_ID.format(field=field_name, first="...")
            + ". "
            + MORE_PROBLEMS.format(count=repeats.height, shown=PROBLEMS_PER_FIELD),
        )


# --- References between files ----------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """A column of a frame that holds the ref of a record of another table.

    Kept with a parsed file so that references can be checked against the
    whole import and the records held, and reported where they were read.
    """

    table: str  # the canonical table of the frame
    column: str  # the canonical column
    target: str  # the canonical table it points to
    field: str  # the column of the file it was read from
    sheet: str | None
    rows: pl.Series  # spreadsheet row of each row of the frame
    updates: bool = False  # in ParsedFile.updates rather than frames


@dataclass
class TableFile(ParsedFile):
    """A parsed CSV or XLSX file, with where each frame's references were read."""

    references: list[Reference] = field(default_factory=list)
    # Columns to fill from names once the whole import is known:
    # (table, column, target table, names, sheet, rows, field).
    lookups: list["NameLookup"] = field(default_factory=list)


@dataclass
class NameLookup:
    """A column given by name in the file (e.g. a department name for a team)."""

    table: str
    column: str
    target: str
    target_name_column: str
    names: pl.Series
    field: str
    sheet: str | None
    rows: pl.Series


UNKNOWN_REFERENCE = "the identifier of a {target} in this import or already held"
UNKNOWN_NAME = "the name of a {target} in this import or already held"


def _held_refs(*, authority, target: str) -> pl.Series:
    from cpqa.casework.schema import fact_table

    model = fact_table(target).model
    refs = list(model.objects.filter(authority=authority).values_list("ref", flat=True))
    return pl.Series("ref", refs, dtype=pl.String)


def _held_names(*, authority, target: str, column: str) -> pl.DataFrame:
    from cpqa.casework.schema import fact_table

    model = fact_table(target).model
    rows = list(model.objects.filter(authority=authority).values_list(column, "ref"))
    return pl.DataFrame(rows, schema={"name": pl.String, "ref": pl.String}, orient="row")


def references_check(
    *, authority, parsed: Mapping[int, ParsedFile], mine: Callable[[ParsedFile], bool]
) -> dict[int, list[Problem]]:
    """Fill name lookups and check the references of this format's files.

    A reference must match a record arriving in any file of the import or
    one already held. Problems name the file, sheet, row, field and value.
    """
    arriving: dict[str, list[pl.Series]] = {}
    names: dict[tuple[str, str], list[pl.DataFrame]] = {}
    for one in parsed.values():
        for table, frame in one.frames.items():
            if "ref" in frame.columns:
                arriving.setdefault(table, []).append(frame.get_column("ref").cast(pl.String))
    known: dict[str, pl.Series] = {}

    def known_refs(target: str) -> pl.Series:
        if target not in known:
            parts = [_held_refs(authority=authority, target=target), *arriving.get(target, [])]
            known[target] = pl.concat(parts).drop_nulls().unique()
        return known[target]

    def known_names(target: str, column: str) -> pl.DataFrame:
        key = (target, column)
        if key not in names:
            parts = [_held_names(authority=authority, target=target, column=column)]
            for one in parsed.values():
                frame = one.frames.get(target)
                if frame is not None and column in frame.columns:
                    parts.append(
                        frame.select(pl.col(column).alias("name"), pl.col("ref").cast(pl.String))
                    )
            # Names in the import win over names held; the last file's over earlier ones.
            both = pl.concat(parts).drop_nulls()
            names[key] = both.unique(subset="name", keep="last")
        return names[key]

    found: dict[int, list[Problem]] = {}
    for index, one in parsed.items():
        if not mine(one) or not isinstance(one, TableFile):
            continue
        problems: list[Problem] = []
        for lookup in one.lookups:
            table = known_names(lookup.target, lookup.target_name_column)
            looked = (
                pl.DataFrame({"name": lookup.names})
                .with_row_index("_i")
                .join(table, on="name", how="left")
                .sort("_i")
            )
            refs = looked.get_column("ref")
            frame = one.frames[lookup.table]
            one.frames[lookup.table] = frame.with_columns(refs.alias(lookup.column))
            bad = lookup.names.is_not_null() & refs.is_null()
            problems.extend(
                _located(
                    file=one.name,
                    sheet=lookup.sheet,
                    rows=lookup.rows,
                    mask=bad,
                    values=lookup.names,
                    field_name=lookup.field,
                    expected=UNKNOWN_NAME.format(target=lookup.target.replace("_", " ")),
                )
            )
        for reference in one.references:
            frame = (one.updates if reference.updates else one.frames)[reference.table]
            values = frame.get_column(reference.column)
            bad = values.is_not_null() & ~values.is_in(known_refs(reference.target).implode())
            # Rows of a frame read from another sheet are checked by that sheet's reference.
            bad = bad & reference.rows.is_not_null()
            problems.extend(
                _located(
                    file=one.name,
                    sheet=reference.sheet,
                    rows=reference.rows,
                    mask=bad,
                    values=values,
                    field_name=reference.field,
                    expected=UNKNOWN_REFERENCE.format(target=reference.target.replace("_", " ")),
                )
            )
        if problems:
            found[index] = problems
    return found


def _located(
    *, file, sheet, rows: pl.Series, mask: pl.Series, values: pl.Series, field_name, expected
) -> list[Problem]:
    if not mask.any():
        return []
    where = f"sheet {sheet}, " if sheet is not None else ""
    hit_rows = rows.filter(mask)
    hit_values = values.filter(mask)
    problems = [
        Problem(file, f"{where}row {row}", field_name, value, expected)
        for row, value in zip(
            hit_rows.head(PROBLEMS_PER_FIELD).to_list(),
            hit_values.head(PROBLEMS_PER_FIELD).to_list(),
            strict=True,
        )
    ]
    if hit_rows.len() > PROBLEMS_PER_FIELD:
        problems.append(
            Problem(
                file,
                where.rstrip(", "),
                field_name,
                None,
                expected
                + ". "
                + MORE_PROBLEMS.format(count=hit_rows.len(), shown=PROBLEMS_PER_FIELD),
            )
        )
    return problems


def text_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


# --- Writing ----------------------------------------------------------------------------

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
DATE_FORMAT = "yyyy-mm-dd"


def flags_as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Boolean columns as Y and N (empty stays empty), as the SSD writes them."""
    return frame.with_columns(
        pl.when(pl.col(name)).then(pl.lit("Y")).when(~pl.col(name)).then(pl.lit("N")).alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.Boolean
    )


def table_write(
    *,
    frame: pl.DataFrame,
    name: str,
    directory: Path,
    format: str,
    notes: pl.DataFrame | None = None,
) -> Path:
    """Write one table as NAME.csv or NAME.xlsx (a sheet called NAME) in `directory`.

    `notes`, if given, is a frame explaining each column (its columns include
    `column` and `notes`): in a CSV its `notes` become a row under the header,
    each cell starting with NOTE:, and in a workbook it is a sheet called notes.
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    directory.mkdir(parents=True, exist_ok=True)
    frame = flags_as_text(frame)
    path = directory / f"{name}.{format}"
    if format == CSV:
        if notes is not None:
            text = dict(zip(notes.get_column("column"), notes.get_column("notes"), strict=True))
            row = pl.DataFrame(
                {column: [f"{NOTES_MARKER} {text.get(column, '')}"] for column in frame.columns},
                schema=dict.fromkeys(frame.columns, pl.String),
            )
            frame = pl.concat([row, frame.cast(pl.String)], how="vertical")
        frame.write_csv(path, date_format="%Y-%m-%d")
        return path
    import xlsxwriter

    with xlsxwriter.Workbook(str(path)) as workbook:
        frame.write_excel(
            workbook=workbook,
            worksheet=name,
            dtype_formats={pl.Date: DATE_FORMAT},
            table_style=None,
            autofit=False,
            autofilter=False,
            header_format={"bold": True},
        )
        if notes is not None:
            notes.write_excel(
                workbook=workbook,
                worksheet="notes",
                table_style=None,
                autofilter=False,
                header_format={"bold": True},
                column_widths=dict.fromkeys(notes.columns, 40),
            )
    return path
