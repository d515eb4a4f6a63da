"""The data dictionary: generated from the definitions, committed, shown, with templates."""

import io

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from cpqa.ingest.dictionary import DOCUMENT, dictionary_markdown, template_content
from cpqa.ingest.local_tables import LOCAL_TABLES, local_table


def test_the_committed_data_dictionary_is_what_the_code_generates():
    assert DOCUMENT.read_text(encoding="utf-8") == dictionary_markdown(), (
        "docs/data-dictionary.md is out of date: run `cpqa datadictionary`"
    )


def test_the_dictionary_has_every_local_table_column_and_ssd_table():
    text = dictionary_markdown()
    for table in LOCAL_TABLES:
        assert f"### {table.name}\n" in text
        for column in table.columns:
            assert f"| {column.name} |" in text
    for name in ("ssd_person", "ssd_cp_plans", "ssd_cp_visits", "ssd_disability"):
        assert f"### {name}\n" in text
    assert "| cppl_person_id | Person Unique ID | yes | protection_plan.child |" in text
    assert "| CPPreviewDate | conference.date_held | a review conference |" in text
    assert "pers_forename, pers_surname, pers_common_child_id, pers_upn" in text


def test_the_command_writes_and_checks(tmp_path):
    path = tmp_path / "dictionary.md"
    with pytest.raises(CommandError, match="is out of date"):
        call_command("datadictionary", "--check", "--output", str(path))
    out = io.StringIO()
    call_command("datadictionary", "--output", str(path), stdout=out)
    assert path.read_text(encoding="utf-8") == dictionary_markdown()
    call_command("datadictionary", "--check", "--output", str(path), stdout=out)
    assert "is up to date" in out.getvalue()


def test_the_csv_template_is_the_header_and_a_notes_row():
    name, content, content_type = template_content(table=local_table("staffing"), format="csv")
    assert (name, content_type) == ("staffing.csv", "text/csv; charset=utf-8")
    frame = pl.read_csv(content, infer_schema=False)
    assert tuple(frame.columns) == local_table("staffing").column_names
    assert frame.height == 1
    assert frame.row(0)[2] == (
        "NOTE: The month (any date in it is read as its first day). Required. Allowed: month: "
        "YYYY-MM, or any date in the month. Example: 2025-03"
    )


def test_the_xlsx_template_has_the_table_and_a_notes_sheet(tmp_path):
    from python_calamine import CalamineWorkbook

    name, content, _ = template_content(table=local_table("supervision"), format="xlsx")
    path = tmp_path / name
    path.write_bytes(content)
    workbook = CalamineWorkbook.from_path(str(path))
    assert workbook.sheet_names == ["supervision", "notes"]
    assert workbook.get_sheet_by_name("supervision").to_python() == [
        ["supervision_id", "worker_id", "supervisor_id", "date", "observed_practice"]
    ]
    notes = workbook.get_sheet_by_name("notes").to_python()
    assert notes[0][:2] == ["column", "notes"]
    assert [row[0] for row in notes[1:]] == list(local_table("supervision").column_names)
    assert notes[2][3] == "yes"  # worker_id is required
