import io

from python_calamine import CalamineWorkbook

from cpqa.dataquality.exports import FINDING_COLUMNS, rows_csv, rows_xlsx

ROW = {
    "rule": "8840",
    "severity": "error",
    "child_id": "C1",
    "table": "protection_plan",
    "record": "P1",
    "field": "end_date",
    "value": '=HYPERLINK("http://example.org")',
    "message": "Child Protection Plan cannot start and end on the same day",
    "detail": "",
    "team": "North",
    "worker": "",
}


def test_csv_keeps_a_value_from_being_read_as_a_formula():
    lines = rows_csv([ROW]).decode().splitlines()
    assert lines[0] == ",".join(FINDING_COLUMNS)
    assert "'=HYPERLINK" in lines[1]


def test_xlsx_writes_values_as_text_not_formulas():
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(rows_xlsx([ROW])))
        .get_sheet_by_name("Findings")
        .to_python()
    )
    assert tuple(rows[0]) == FINDING_COLUMNS
    assert rows[1][6] == ROW["value"]
    assert rows[1][0] == "8840"
