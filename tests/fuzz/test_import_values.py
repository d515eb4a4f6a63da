"""Every cell an importer reads is converted exactly as documented, or reported: never kept
as a value the database cannot hold or give back.

Pure functions over a column of cells (no file, no database), so these run every example
(`FUZZ`): the checks shared by the SSD and local-table importers (cpqa/ingest/tables.py),
the Annex A importer's value readers, and format detection over arbitrary bytes.
"""

import math
import re
import string
import tempfile
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpqa.ingest import tables
from cpqa.ingest.base import importer_for
from cpqa.ingest.formats import annex_a
from cpqa.ingest.local_tables import AGENCY_CODES, RISK_CODES
from cpqa.ingest.tables import Check, Kind, Problems, _sheet, values_convert
from tests.fuzz.helpers import DATES, NASTY, NUMBERS, boundary_dates, nasty_text
from tests.fuzzing import FUZZ

pytestmark = pytest.mark.fuzz

# The documented forms are written with ASCII digits.
ISO = re.compile(tables.ISO_DATE, re.ASCII)
UK = re.compile(tables.UK_DATE, re.ASCII)


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def expected_date(text: str) -> date | None:
    """The date a cell means, as docs/data-dictionary.md says, worked out without polars."""
    if ISO.match(text):
        return _date_or_none(int(text[:4]), int(text[5:7]), int(text[8:10]))
    if UK.match(text):
        day, month, year = text.split(" ")[0].split("/")
        return _date_or_none(int(year), int(month), int(day))
    return None


def expected_month(text: str) -> date | None:
    if re.match(tables.MONTH_ONLY, text, re.ASCII):
        return _date_or_none(int(text[:4]), int(text[5:7]), 1)
    day = expected_date(text)
    return day.replace(day=1) if day else None


def expected_flag(text: str) -> bool | None:
    lowered = text.lower()
    return (
        True if lowered in tables.TRUE_WORDS else False if lowered in tables.FALSE_WORDS else None
    )


CODES = {"police": "police", "Health visitor": "health_visitor", "PN1": "PN1"}
CHECKS = [
    Check(name="text", kind=Kind.TEXT, max_length=20),
    Check(name="id", kind=Kind.ID, required=True, max_length=10),
    Check(name="date", kind=Kind.DATE),
    Check(name="month", kind=Kind.MONTH),
    Check(name="flag", kind=Kind.FLAG),
    Check(name="number", kind=Kind.NUMBER),
    Check(name="agency", kind=Kind.CODE, codes=AGENCY_CODES),
    Check(name="risk", kind=Kind.CODE, codes=RISK_CODES),
]
DATE_LIKE = st.one_of(
    st.sampled_from(DATES),
    boundary_dates().map(lambda day: day.isoformat()),
    boundary_dates().map(lambda day: f"{day.day}/{day.month}/{day.year:04d}"),
    st.builds(
        "{:04d}-{:02d}-{:02d}{}".format,
        st.integers(0, 9999),
        st.integers(0, 99),
        st.integers(0, 99),
        st.sampled_from(["", " 00:00", "T12:30:00", " 00:00:00.000", "Z", "+01:00"]),
    ),
)
CELL = st.one_of(
    st.none(),
    nasty_text(max_size=30),
    DATE_LIKE,
    st.sampled_from(NUMBERS),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(["Y", "n", "yes", "NO", "True", "f", "1", "0", "police", "Police", "HIGH"]),
    st.sampled_from([*AGENCY_CODES, *RISK_CODES]).map(str.upper),
)


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=len(CHECKS), max_size=len(CHECKS)), max_size=12))
def test_each_cell_of_a_table_converts_as_documented_or_is_reported(rows):
    header = [check.name for check in CHECKS]
    body = pl.DataFrame(
        {f"column_{i + 1}": [row[i] for row in rows] for i in range(len(header))},
        schema={f"column_{i + 1}": pl.String for i in range(len(header))},
    )
    sheet = _sheet(file="f.csv", sheet=None, header=header, body=body)
    problems = Problems(sheet=sheet)
    converted = values_convert(sheet=sheet, checks=CHECKS, problems=problems)
    reported = {(problem.location, problem.field) for problem in problems.items}
    assert all(str(problem) for problem in problems.items)
    assert converted.height == sheet.frame.height
    # Dates as text, so that a date Python cannot hold (year 0) shows as itself.
    got = converted.with_columns(
        pl.col(check.name).dt.to_string("%Y-%m-%d")
        for check in CHECKS
        if check.kind in (Kind.DATE, Kind.MONTH)
    ).to_dict(as_series=False)
    raws = sheet.frame.to_dict(as_series=False)
    for index, row_number in enumerate(sheet.rows.to_list()):
        where = f"row {row_number}"
        for check in CHECKS:
            raw, value = raws[check.name][index], got[check.name][index]
            if raw is None:
                assert value is None
                assert ((where, check.name) in reported) == check.required
                continue
            if check.kind in (Kind.DATE, Kind.MONTH):
                wanted = (expected_date if check.kind == Kind.DATE else expected_month)(raw)
                if wanted is None:
                    assert value is None, (check.name, raw, value, "accepted, but no date")
                    assert (where, check.name) in reported, (check.name, raw)
                else:
                    assert value == wanted.isoformat(), (check.name, raw, value)
            elif check.kind == Kind.FLAG:
                wanted = expected_flag(raw)
                assert value == wanted, (raw, value)
                assert ((where, check.name) in reported) == (wanted is None), raw
            elif check.kind == Kind.NUMBER:
                if value is None:
                    assert (where, check.name) in reported, raw
                    continue
                # NaN cannot be stored: SQLite writes it as NULL.
                assert not math.isnan(value), (raw, "read as NaN")
                try:
                    python = float(raw.replace(",", ""))
                except ValueError:
                    continue
                assert math.isfinite(value), (raw, "read as NaN or infinity")
                assert value == python, raw
            elif check.kind == Kind.CODE:
                codes = {key.upper(): code for key, code in check.codes.items()}
                wanted = codes.get(raw.upper())
                assert value == wanted, (raw, value)
                assert ((where, check.name) in reported) == (wanted is None), raw
            else:
                assert value == raw
                too_long = len(raw) > check.max_length
                assert ((where, check.name) in reported) == too_long, raw


# --- Annex A's readers: whatever a cell holds, a value in range or nothing --------------

ANNEX_CELL = st.one_of(
    CELL,
    st.dates(min_value=date(1, 1, 1)).map(str),
    st.datetimes(min_value=datetime(1, 1, 1)).map(str),
    st.integers(0, 3_000_000).map(str),
    st.decimals(0, 3_000_000, places=3, allow_nan=False).map(str),
    st.sampled_from(["a) Yes", "b) No", "c) Unknown", "a) Male", "k) APKN", "a) Neglect"]),
)


@FUZZ
@given(cells=st.lists(ANNEX_CELL, max_size=20))
def test_annex_a_cells_read_to_a_value_in_range_or_to_nothing(cells):
    text = annex_a.cells_clean(pl.col("cell"))
    frame = pl.DataFrame({"cell": cells}, schema={"cell": pl.String}).select(text.alias("cell"))
    read = frame.select(
        annex_a.date_expr(pl.col("cell")).dt.to_string("%Y-%m-%d").alias("date"),
        annex_a.count_expr(pl.col("cell")).alias("count"),
        annex_a.sex_expr(pl.col("cell")).alias("sex"),
        annex_a.yes_no_expr(pl.col("cell")).alias("yes_no"),
        annex_a.yes_no_recognised(pl.col("cell")).alias("recognised"),
        annex_a.category_expr(pl.col("cell")).alias("category"),
        annex_a.ethnicity_expr(pl.col("cell")).alias("ethnicity"),
    )
    sexes = set(annex_a.SEX_CODES.values())
    categories = set(annex_a.CATEGORY_CODES.values()) | set(annex_a.CATEGORY_WORDS)
    for cell, row in zip(frame.get_column("cell"), read.iter_rows(named=True), strict=True):
        if cell is None:
            assert set(row.values()) <= {None, False}, row
            continue
        day = row["date"]
        if day is not None:
            assert annex_a.EARLIEST.isoformat() <= day <= annex_a.LATEST.isoformat(), (cell, day)
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell, re.ASCII):
                assert day == cell
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell, re.ASCII):
            wanted = _date_or_none(int(cell[:4]), int(cell[5:7]), int(cell[8:10]))
            in_range = wanted is not None and annex_a.EARLIEST <= wanted <= annex_a.LATEST
            assert (day is not None) == in_range, (cell, day)
        count = row["count"]
        assert count is None or 0 <= count <= 9999, (cell, count)
        if re.fullmatch(r"\d{1,4}", cell, re.ASCII):
            assert count == int(cell)
        assert row["sex"] is None or row["sex"] in sexes, (cell, row["sex"])
        assert row["yes_no"] is None or row["recognised"], (cell, row)
        assert row["category"] is None or row["category"] in categories, (cell, row)
        assert row["ethnicity"] is None or row["ethnicity"] in annex_a.ETHNICITIES, (cell, row)


# --- Format detection: any bytes under any name, an importer or none ---------------------

NAMES = st.one_of(
    st.sampled_from(
        [
            "census.xml",
            "annex.xlsx",
            "ssd_person.csv",
            "staffing.csv",
            "supervision.xlsx",
            "x.xlsm",
            "CON",
            ".csv",
            "a" * 250 + ".csv",
            "ssd_cp_plans",
            "..\\..\\ssd_department.csv",
        ]
    ),
    st.text(string.printable, max_size=40),
    nasty_text(max_size=40),
)
HEADS = st.one_of(
    st.binary(max_size=300),
    st.sampled_from(
        [
            b"PK\x03\x04" + bytes(40),
            b"\xef\xbb\xbfpers_person_id,pers_sex\n",
            b"\xff\xfep\x00e\x00r\x00s\x00",
            b"<?xml version='1.0' encoding='UTF-16'?><Message>",
            b"<Message><Header><CollectionDetails><Collection>CIN",
            b"team_id,month,establishment_fte\n",
            b"\x00\x00\x00",
        ]
    ),
    st.lists(st.sampled_from([*NASTY[:60], "pers_person_id", "team_id", "date", "plan_id"])).map(
        lambda cells: ",".join(cells).encode()
    ),
)


@FUZZ
@given(name=NAMES, content=HEADS)
def test_any_bytes_under_any_name_find_one_importer_or_none(name, content):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        path.write_bytes(content)
        found = importer_for(name=name, path=path)
    assert found is None or found.format in {"cin_census", "annex_a", "ssd", "local"}
