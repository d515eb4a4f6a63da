"""The local-table importer: each table, its problems, updates, templates."""

import datetime as dt

import pytest

from cpqa.casework import models as m
from cpqa.ingest.dictionary import template_content
from cpqa.ingest.local_tables import LOCAL_TABLES, local_table
from cpqa.ingest.services import import_files
from tests.ingest.ssd_files import ssd_csv_files, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

D = dt.date

LOCAL = {
    "conference_attendance": [
        ["attendance_id", "conference_id", "agency", "invited", "attended", "report_submitted",
         "report_on_time", "non_attendance_reason"],
        ["A1", "IC1", "police", "Y", "N", "Y", "N", "Clash with another meeting"],
        ["", "IC1", "Health visitor", "Y", "Y", "Y", "Y", ""],
    ],
    "conference_details": [
        ["conference_id", "chair_id", "quorate", "participation", "decision_published",
         "minutes_published"],
        ["IC1", "P3", "Y", "PN0", "2025-01-28", "12/02/2025"],
    ],
    "core_group_meetings": [
        ["meeting_id", "plan_id", "date"],
        ["G1", "CP1", "2025-02-06"],
        ["", "CP1", "2025-03-06"],
    ],
    "unallocated_episodes": [
        ["episode_id", "child_id", "team_id", "from_date", "to_date", "risk", "others_involved",
         "decision", "decision_review_date"],
        ["U1", "C1", "T1", "2025-03-01", "2025-03-20", "Medium", "Y",
         "Duty worker visits weekly.", "2025-03-14"],
    ],
    "staffing": [
        ["team_id", "month", "establishment_fte", "filled_fte", "vacant_social_worker",
         "vacant_assistant_team_manager", "vacant_team_manager", "agency_staff"],
        ["T1", "2025-03", "9", "7.5", "1.5", "", "0", "2"],
        ["T1", "15/04/2025", "9", "8", "1", "0", "0", "1"],
    ],
    "supervision": [
        ["supervision_id", "worker_id", "supervisor_id", "date", "observed_practice"],
        ["SV1", "P1", "P2", "2025-03-12", "yes"],
        ["", "P1", "P2", "2025-04-09", ""],
    ],
}  # fmt: skip


def held():
    return {
        "conference_attendance": sorted(
            m.ConferenceAttendance.objects.values_list(
                "ref", "conference__ref", "agency", "invited", "attended", "report_submitted",
                "report_on_time", "non_attendance_reason",
            )
        ),
        "conference": sorted(
            m.Conference.objects.values_list(
                "ref", "chair__ref", "quorate", "participation", "parents_attended",
                "decision_published", "minutes_published", "date_held",
            )
        ),
        "core_group_meeting": sorted(
            m.CoreGroupMeeting.objects.values_list("ref", "plan__ref", "date")
        ),
        "unallocated_episode": sorted(
            m.UnallocatedEpisode.objects.values_list(
                "ref", "child__ref", "team__ref", "from_date", "to_date", "risk",
                "others_involved", "decision", "decision_review_date",
            )
        ),
        "staffing_snapshot": sorted(
            m.StaffingSnapshot.objects.values_list(
                "ref", "team__ref", "month", "establishment_fte", "filled_fte",
                "vacant_social_worker", "vacant_assistant_team_manager", "vacant_team_manager",
                "agency_staff",
            )
        ),
        "supervision_record": sorted(
            m.SupervisionRecord.objects.values_list(
                "ref", "worker__ref", "supervisor__ref", "date", "observed_practice"
            )
        ),
    }  # fmt: skip


EXPECTED = {
    "conference_attendance": [
        ("A1", "IC1", "police", True, False, True, False, "Clash with another meeting"),
        ("IC1/health_visitor", "IC1", "health_visitor", True, True, True, True, ""),
    ],
    # The review RV1 keeps what the SSD said; IC1 gets its details from the local table.
    "conference": [
        ("IC1", "P3", True, "PN0", None, D(2025, 1, 28), D(2025, 2, 12), D(2025, 1, 27)),
        ("RV1", None, False, "PN5", None, None, None, D(2025, 4, 17)),
    ],
    "core_group_meeting": [
        ("CP1/2025-03-06", "CP1", D(2025, 3, 6)),
        ("G1", "CP1", D(2025, 2, 6)),
    ],
    "unallocated_episode": [
        ("U1", "C1", "T1", D(2025, 3, 1), D(2025, 3, 20), "medium", True,
         "Duty worker visits weekly.", D(2025, 3, 14)),
    ],
    "staffing_snapshot": [
        ("T1/2025-03-01", "T1", D(2025, 3, 1), 9.0, 7.5, 1.5, 0.0, 0.0, 2.0),
        ("T1/2025-04-01", "T1", D(2025, 4, 1), 9.0, 8.0, 1.0, 0.0, 0.0, 1.0),
    ],
    "supervision_record": [
        ("P1/2025-04-09", "P1", "P2", D(2025, 4, 9), False),
        ("SV1", "P1", "P2", D(2025, 3, 12), True),
    ],
}  # fmt: skip


@pytest.fixture
def ssd_held(authority, tmp_path):
    """The hand-worked SSD extract, imported: teams, workers, children, a plan, conferences."""
    (tmp_path / "ssd").mkdir()
    result = import_files(authority=authority, files=ssd_csv_files(tmp_path / "ssd"))
    assert result.accepted
    return tmp_path


def messages(result):
    return [str(problem) for problem in result.problems]


def csv_files(directory, tables):
    return [
        (f"{name}.csv", write_csv(directory, f"{name}.csv", rows)) for name, rows in tables.items()
    ]


def test_every_local_table_as_csv_gives_the_hand_worked_facts(authority, ssd_held):
    result = import_files(authority=authority, files=csv_files(ssd_held, LOCAL))
    assert messages(result) == []
    assert held() == EXPECTED
    assert {o.source for o in result.files} == set(LOCAL)


def test_every_local_table_as_a_sheet_of_one_workbook(authority, ssd_held):
    path = write_xlsx(ssd_held, "local.xlsx", LOCAL)
    result = import_files(authority=authority, files=[("local.xlsx", path)])
    assert messages(result) == []
    assert held() == EXPECTED


@pytest.mark.parametrize("table", list(LOCAL))
def test_each_local_table_alone_as_a_workbook(authority, ssd_held, table):
    path = write_xlsx(ssd_held, f"{table}.xlsx", {table: LOCAL[table]})
    result = import_files(authority=authority, files=[(f"{table}.xlsx", path)])
    assert messages(result) == []
    target = local_table(table).target
    assert held()[target] == EXPECTED[target]
    assert result.files[0].source == table


def test_local_tables_load_with_the_ssd_extract_in_one_import_in_any_order(authority, tmp_path):
    (tmp_path / "ssd").mkdir()
    files = [*csv_files(tmp_path, LOCAL), *ssd_csv_files(tmp_path / "ssd")]
    result = import_files(authority=authority, files=files)
    assert messages(result) == []
    assert held() == EXPECTED


def rejected(authority, directory, name, rows):
    before = held()
    result = import_files(
        authority=authority, files=[(f"{name}.csv", write_csv(directory, f"{name}.csv", rows))]
    )
    assert not result.accepted
    assert held() == before
    return messages(result)


def changed(name, row, column, value):
    rows = [list(r) for r in LOCAL[name]]
    rows[row][rows[0].index(column)] = value
    return rows


def test_a_missing_required_column(authority, ssd_held):
    rows = [[v for i, v in enumerate(r) if i != 1] for r in LOCAL["supervision"]]
    assert rejected(authority, ssd_held, "supervision", rows) == [
        "supervision.csv, row 1: worker_id is empty; expected a column called 'worker_id' in "
        "the header row: it is required and missing"
    ]


def test_details_without_their_conference_id_column(authority, ssd_held):
    # Found by tests/fuzz/test_import_files.py: this raised instead of being reported.
    rows = [r[1:] for r in LOCAL["conference_details"]]
    assert rejected(authority, ssd_held, "conference_details", rows) == [
        "conference_details.csv, row 1: conference_id is empty; expected a column called "
        "'conference_id' in the header row: it is required and missing"
    ]


def test_bad_values_of_every_type_are_each_named(authority, ssd_held):
    rows = changed("staffing", 1, "month", "March")
    rows[1][rows[0].index("filled_fte")] = "seven"
    rows[2][rows[0].index("establishment_fte")] = ""
    assert rejected(authority, ssd_held, "staffing", rows) == [
        "staffing.csv, row 2: month is 'March'; expected a month such as 2025-03 or a date in "
        "it such as 2025-03-01 or 01/03/2025",
        "staffing.csv, row 2: filled_fte is 'seven'; expected a number such as 1 or 0.5",
        "staffing.csv, row 3: establishment_fte is empty; expected a value: establishment_fte "
        "is required",
    ]


def test_an_unknown_code(authority, ssd_held):
    rows = changed("conference_attendance", 2, "agency", "Fire service")
    assert rejected(authority, ssd_held, "conference_attendance", rows) == [
        "conference_attendance.csv, row 3: agency is 'Fire service'; expected one of "
        "childrens_social_care, police, health_visitor, school_nurse, gp, midwife, school, "
        "early_years, adult_mental_health, camhs, substance_misuse, probation, housing, "
        "domestic_abuse, other"
    ]


def test_duplicate_ids_including_derived_ones(authority, ssd_held):
    rows = [*LOCAL["core_group_meetings"], ["", "CP1", "06/03/2025"]]
    assert rejected(authority, ssd_held, "core_group_meetings", rows) == [
        "core_group_meetings.csv, row 4: meeting_id is 'CP1/2025-03-06'; expected each "
        "meeting_id to appear once in the table (it is also on row 3)"
    ]


def test_a_reference_to_nothing_held_or_arriving(authority, ssd_held):
    rows = changed("supervision", 2, "supervisor_id", "P9")
    assert rejected(authority, ssd_held, "supervision", rows) == [
        "supervision.csv, row 3: supervisor_id is 'P9'; expected the identifier of a "
        "professional in this import or already held"
    ]


def test_details_of_a_conference_not_held(authority, ssd_held):
    rows = changed("conference_details", 1, "conference_id", "IC9")
    assert rejected(authority, ssd_held, "conference_details", rows) == [
        "conference_details.csv, row 2: conference_id is 'IC9'; expected the identifier of a "
        "conference in this import or already held"
    ]


def test_details_change_only_the_columns_present(authority, ssd_held):
    import_files(
        authority=authority,
        files=csv_files(ssd_held, {"conference_details": LOCAL["conference_details"]}),
    )
    (ssd_held / "later").mkdir()
    later = [["conference_id", "parents_attended"], ["IC1", "N"]]
    result = import_files(
        authority=authority,
        files=[("details.csv", write_csv(ssd_held / "later", "details.csv", later))],
    )
    assert messages(result) == []
    conference = m.Conference.objects.get(ref="IC1")
    assert (conference.parents_attended, conference.quorate, conference.chair.ref) == (
        False,
        True,
        "P3",
    )


def test_a_local_table_named_by_its_file_but_with_a_wrong_header(authority, ssd_held):
    rows = [["worker", "when"], ["P1", "2025-01-01"]]
    names = ", ".join(local_table("supervision").column_names)
    assert rejected(authority, ssd_held, "supervision", rows) == [
        f"supervision.csv, row 1: header row is 'worker, when'; expected the columns of the "
        f"local table supervision: {names}"
    ]


def test_unknown_columns_are_ignored_with_a_note(authority, ssd_held):
    rows = [[*r, "x"] for r in LOCAL["supervision"]]
    rows[0][-1] = "comments"
    result = import_files(
        authority=authority, files=[("s.csv", write_csv(ssd_held, "s.csv", rows))]
    )
    assert result.accepted
    assert "s.csv: columns not part of supervision were ignored: comments." in result.files[0].notes


@pytest.mark.parametrize("table", [t.name for t in LOCAL_TABLES])
@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_a_filled_in_template_imports(authority, ssd_held, table, format):
    filename, content, _ = template_content(table=local_table(table), format=format)
    path = ssd_held / filename
    path.write_bytes(content)
    if format == "csv":
        text = content.decode("utf-8").rstrip("\n")
        path.write_text(text + "\n" + "\n".join(",".join(r) for r in _rows_for(table)) + "\n")
    else:
        from python_calamine import CalamineWorkbook

        sheets = CalamineWorkbook.from_path(str(path)).sheet_names
        assert sheets == [table, "notes"]
        path = write_xlsx(
            ssd_held,
            filename,
            {
                table: [list(local_table(table).column_names), *_rows_for(table)],
                "notes": [["column", "notes"], ["a", "b"]],
            },
        )
    result = import_files(authority=authority, files=[(filename, path)])
    assert messages(result) == []
    assert result.files[0].rows_read == len(LOCAL[table]) - 1
    if format == "csv":
        assert (
            f"{filename}: row 2 is the notes row of a cpqa template and was skipped."
            in result.files[0].notes
        )
    else:
        assert (
            f"{filename}: Sheet 'notes' is not a table cpqa knows and was ignored."
            in result.files[0].notes
        )


def _rows_for(table: str) -> list[list[str]]:
    """LOCAL's rows of a table laid out in the template's column order."""
    header = LOCAL[table][0]
    columns = local_table(table).column_names
    return [
        [row[header.index(c)] if c in header else "" for c in columns] for row in LOCAL[table][1:]
    ]
