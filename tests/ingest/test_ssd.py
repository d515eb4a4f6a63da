"""The SSD importer: each table, every structural problem, detection, encodings."""

import datetime as dt

import pytest

from cpqa.casework import models as m
from cpqa.casework.services import CONFERENCE_KIND_CLASH
from cpqa.ingest.base import HEAD_BYTES
from cpqa.ingest.formats.ssd import SSD_MAPPINGS, SsdImporter, ssd_tables
from cpqa.ingest.models import ImportRun
from cpqa.ingest.services import import_files
from cpqa.ingest.tables import NUL_CHARACTER
from tests.ingest.ssd_files import SSD, replace, ssd_csv_files, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

D = dt.date


def facts():
    """Everything held, as comparable tuples."""
    return {
        "team": sorted(m.Team.objects.values_list("ref", "name", "service")),
        "professional": sorted(
            m.Professional.objects.values_list("ref", "name", "role", "team__ref", "fte", "agency")
        ),
        "child": sorted(
            m.Child.objects.values_list(
                "ref", "sex", "ethnicity", "date_of_birth", "disabilities", "team__ref"
            )
        ),
        "involvement": sorted(
            m.Involvement.objects.values_list(
                "ref", "child__ref", "professional__ref", "team__ref", "role", "start_date"
            )
        ),
        "cin_episode": sorted(
            m.CINEpisode.objects.values_list(
                "ref",
                "child__ref",
                "referral_date",
                "referral_source",
                "primary_need",
                "referral_nfa",
                "closure_date",
                "closure_reason",
                "team__ref",
                "worker__ref",
            )
        ),
        "section47": sorted(
            m.Section47.objects.values_list(
                "ref",
                "child__ref",
                "episode__ref",
                "start_date",
                "end_date",
                "outcome",
                "icpc_not_required",
                "team__ref",
                "worker__ref",
            )
        ),
        "protection_plan": sorted(
            m.ProtectionPlan.objects.values_list(
                "ref",
                "child__ref",
                "episode__ref",
                "start_date",
                "end_date",
                "initial_category",
                "latest_category",
            )
        ),
        "conference": sorted(
            m.Conference.objects.values_list(
                "ref",
                "child__ref",
                "kind",
                "section47__ref",
                "episode__ref",
                "plan__ref",
                "target_date",
                "date_held",
                "quorate",
                "outcome",
                "participation",
                "team__ref",
            )
        ),
        "visit": sorted(
            m.Visit.objects.values_list(
                "ref", "plan__ref", "child__ref", "date", "seen", "seen_alone", "bedroom_seen"
            )
        ),
        "looked_after_episode": sorted(
            m.LookedAfterEpisode.objects.values_list("ref", "child__ref", "start_date", "end_date")
        ),
    }


EXPECTED = {
    "team": [
        ("T1", "North Safeguarding", "North Locality"),
        ("T2", "South Safeguarding", "South Locality"),
    ],
    "professional": [
        ("P1", "Ann Jones", "social_worker", "T1", 1.0, False),
        ("P2", "Bob Smith", "assistant_team_manager", "T1", 0.8, True),
        ("P3", "Cat Brown", "conference_chair", None, None, False),
    ],
    # C1's team is that of her latest plan, involvement, enquiry or episode (T1);
    # C2's of her referral (T2). CNHE is the SSD's spelling of the CIN census CHNE.
    "child": [
        ("C1", "F", "WBRI", D(2015, 6, 1), "LD,AUT", "T1"),
        ("C2", "M", "CHNE", D(2019, 2, 1), "NONE", "T2"),
    ],
    "involvement": [("I1", "C1", "P1", "T1", "Allocated Social Worker", D(2025, 1, 3))],
    "cin_episode": [
        ("R1", "C1", D(2025, 1, 2), "5A", "N1", False, None, "", "T1", "P1"),
        ("R2", "C2", D(2025, 2, 10), "1B", "N4", True, D(2025, 2, 12), "RC8", "T2", None),
    ],
    "section47": [
        ("E1", "C1", "R1", D(2025, 1, 6), D(2025, 1, 20), "icpc", False, "T1", "P1"),
    ],
    "protection_plan": [("CP1", "C1", "R1", D(2025, 1, 27), None, "NEG", "EMO")],
    "conference": [
        (
            "IC1",
            "C1",
            "initial",
            "E1",
            "R1",
            "CP1",
            D(2025, 1, 27),
            D(2025, 1, 27),
            None,
            "plan_started",
            "",
            "T1",
        ),
        (
            "RV1",
            "C1",
            "review",
            None,
            None,
            "CP1",
            D(2025, 4, 21),
            D(2025, 4, 17),
            False,
            "plan_continued",
            "PN5",
            None,
        ),
    ],
    "visit": [
        ("CP1/visit/2025-02-14", "CP1", "C1", D(2025, 2, 14), False, False, False),
        ("V1", "CP1", "C1", D(2025, 2, 3), True, True, True),
    ],
    "looked_after_episode": [("LA1", "C1", D(2025, 5, 1), None)],
}


def messages(result):
    return [str(problem) for problem in result.problems]


def test_the_ssd_tables_as_csv_files_give_the_hand_worked_facts(authority, tmp_path):
    result = import_files(authority=authority, files=ssd_csv_files(tmp_path))
    assert messages(result) == []
    assert facts() == EXPECTED
    sources = set(ImportRun.objects.values_list("source", flat=True))
    assert sources == set(SSD)


def test_the_ssd_tables_as_sheets_of_one_workbook_give_the_same_facts(authority, tmp_path):
    path = write_xlsx(tmp_path, "extract.xlsx", SSD)
    result = import_files(authority=authority, files=[("extract.xlsx", path)])
    assert messages(result) == []
    assert facts() == EXPECTED
    assert ImportRun.objects.get().source == "ssd"


@pytest.mark.parametrize("table", list(SSD))
def test_each_table_alone_as_a_workbook_is_read_as_that_table(authority, tmp_path, table):
    files = [
        (f"{name}.csv", write_csv(tmp_path, f"{name}.csv", rows))
        for name, rows in SSD.items()
        if name != table
    ]
    files.append((f"{table}.xlsx", write_xlsx(tmp_path, f"{table}.xlsx", {table: SSD[table]})))
    result = import_files(authority=authority, files=files)
    assert messages(result) == []
    assert facts() == EXPECTED
    assert ImportRun.objects.get(file_name=f"{table}.xlsx").source == table


def test_names_nhs_numbers_and_unused_fields_are_ignored_with_a_note(authority, tmp_path):
    result = import_files(authority=authority, files=ssd_csv_files(tmp_path))
    person = next(o for o in result.files if o.name == "ssd_person.csv")
    assert (
        "ssd_person.csv: names, NHS numbers and UPNs are never held by cpqa (data minimisation, "
        "docs/decisions/0003-data-minimisation.md), and were ignored: pers_forename, "
        "pers_surname, pers_common_child_id." in person.notes
    )
    held = str(list(m.Child.objects.values()))
    assert "Amy" not in held and "9434765919" not in held
    plans = next(o for o in result.files if o.name == "ssd_cp_plans.csv")
    assert "ssd_cp_plans.csv: not held by cpqa, and ignored: cppl_icpc_id, cppl_cp_plan_ola." in (
        plans.notes
    )


# --- Structural problems: reported in full, and nothing imported ---------------------


def rejected(authority, tmp_path, tables):
    import_files(authority=authority, files=ssd_csv_files(tmp_path / "before", SSD_BEFORE))
    before = facts()
    result = import_files(authority=authority, files=ssd_csv_files(tmp_path / "now", tables))
    assert not result.accepted
    assert facts() == before
    return messages(result)


SSD_BEFORE = {"ssd_department": SSD["ssd_department"]}


@pytest.fixture
def dirs(tmp_path):
    (tmp_path / "before").mkdir()
    (tmp_path / "now").mkdir()
    return tmp_path


def test_a_missing_required_column_is_named(authority, dirs):
    tables = dict(SSD)
    tables["ssd_cp_plans"] = [
        [value for index, value in enumerate(row) if index != 3] for row in SSD["ssd_cp_plans"]
    ]
    assert rejected(authority, dirs, tables) == [
        "ssd_cp_plans.csv, row 1: cppl_person_id is empty; expected a column called "
        "'cppl_person_id' in the header row: it is required and missing"
    ]


def test_an_unparseable_date_is_named(authority, dirs):
    tables = replace("ssd_cp_plans", 1, "cppl_cp_plan_start_date", "31/13/2025")
    assert rejected(authority, dirs, tables) == [
        "ssd_cp_plans.csv, row 2: cppl_cp_plan_start_date is '31/13/2025'; expected a date "
        "such as 2025-03-31, 2025-03-31 00:00:00.000 or 31/03/2025"
    ]


def test_an_unknown_code_is_named_with_the_codes_expected(authority, dirs):
    tables = replace("ssd_person", 2, "pers_sex", "X")
    tables["ssd_cp_plans"][1][6] = "Neglectful"
    assert rejected(authority, dirs, tables) == [
        "ssd_person.csv, row 3: pers_sex is 'X'; expected one of M, F, U",
        "ssd_cp_plans.csv, row 2: cppl_cp_plan_initial_category is 'Neglectful'; expected "
        "one of NEG, PHY, SAB, EMO, MUL",
    ]


def test_an_unknown_flag_is_named(authority, dirs):
    tables = replace("ssd_cp_visits", 1, "cppv_cp_visit_seen", "maybe")
    assert rejected(authority, dirs, tables) == [
        "ssd_cp_visits.csv, row 2: cppv_cp_visit_seen is 'maybe'; expected Y or N (also "
        "accepted: 1 or 0, true or false, yes or no)"
    ]


def test_duplicate_ids_name_both_rows(authority, dirs):
    tables = replace("ssd_cin_episodes", 2, "cine_referral_id", "R1")
    assert rejected(authority, dirs, tables) == [
        "ssd_cin_episodes.csv, row 3: cine_referral_id is 'R1'; expected each "
        "cine_referral_id to appear once in the table (it is also on row 2)"
    ]


def test_an_empty_required_value_is_named(authority, dirs):
    tables = replace("ssd_s47_enquiry", 1, "s47e_person_id", "")
    assert rejected(authority, dirs, tables) == [
        "ssd_s47_enquiry.csv, row 2: s47e_person_id is empty; expected a value: "
        "s47e_person_id is required"
    ]


def test_a_reference_to_a_record_in_neither_the_import_nor_the_database(authority, dirs):
    tables = replace("ssd_cp_plans", 1, "cppl_person_id", "C9")
    tables["ssd_cp_visits"][2][2] = "CP9"
    assert rejected(authority, dirs, tables) == [
        "ssd_cp_plans.csv, row 2: cppl_person_id is 'C9'; expected the identifier of a child "
        "in this import or already held",
        "ssd_cp_visits.csv, row 3: cppv_cp_plan_id is 'CP9'; expected the identifier of a "
        "protection plan in this import or already held",
    ]


def test_a_review_with_the_id_of_an_initial_conference_is_refused(authority, dirs):
    # A source numbering both tables from one sequence: the review would replace the
    # initial conference without a word.
    tables = replace("ssd_cp_reviews", 1, "cppr_cp_review_id", "IC1")
    assert rejected(authority, dirs, tables) == [
        "ssd_cp_reviews.csv: "
        + CONFERENCE_KIND_CLASH.format(row=1, value="IC1", arriving="a review", held="an initial")
    ]


def test_a_department_name_that_matches_no_team_is_named(authority, dirs):
    tables = replace("ssd_professionals", 2, "prof_professional_department", "East")
    assert rejected(authority, dirs, tables) == [
        "ssd_professionals.csv, row 3: prof_professional_department is 'East'; expected the "
        "name of a team in this import or already held"
    ]


def test_every_problem_of_every_file_is_reported(authority, dirs):
    tables = replace("ssd_person", 1, "pers_dob", "yesterday")
    tables["ssd_person"][2][4] = "XXXX"
    tables["ssd_cla_episodes"][1][2] = ""
    assert rejected(authority, dirs, tables) == [
        "ssd_person.csv, row 2: pers_dob is 'yesterday'; expected a date such as 2025-03-31, "
        "2025-03-31 00:00:00.000 or 31/03/2025",
        "ssd_person.csv, row 3: pers_ethnicity is 'XXXX'; expected one of WBRI, WIRI, WOTH, "
        "WIRT, WROM, MWBC, MWBA, MWAS, MOTH, AIND, APKN, ABAN, CHNE, AOTH, BCRB, BAFR, BOTH, "
        "OOTH, REFU, NOBT",
        "ssd_cla_episodes.csv, row 2: clae_cla_episode_start_date is empty; expected a "
        "value: clae_cla_episode_start_date is required",
    ]


def test_a_malformed_outcome_json_is_named(authority, dirs):
    tables = replace("ssd_s47_enquiry", 1, "s47e_s47_outcome_json", "CP conference")
    assert rejected(authority, dirs, tables) == [
        "ssd_s47_enquiry.csv, row 2: s47e_s47_outcome_json is 'CP conference'; expected the "
        'SSD outcome JSON, such as {"NFA_FLAG": "Y", "CP_CONFERENCE_FLAG": "N"}'
    ]


# --- Workbooks, detection and encodings ------------------------------------------------


def test_a_workbook_with_an_unknown_sheet_ignores_it_with_a_note(authority, tmp_path):
    sheets = {"Read me": [["This extract was made on 1 May"]], **SSD}
    path = write_xlsx(tmp_path, "extract.xlsx", sheets)
    result = import_files(authority=authority, files=[("extract.xlsx", path)])
    assert result.accepted
    assert "extract.xlsx: Sheet 'Read me' is not a table cpqa knows and was ignored." in (
        result.files[0].notes
    )
    assert facts() == EXPECTED


def test_a_sheet_named_after_a_table_but_with_another_header_is_a_problem(authority, tmp_path):
    sheets = {**SSD, "ssd_cla_episodes": [["episode", "child", "start"], ["LA1", "C1", "x"]]}
    path = write_xlsx(tmp_path, "extract.xlsx", sheets)
    result = import_files(authority=authority, files=[("extract.xlsx", path)])
    names = ", ".join(ssd_tables()["ssd_cla_episodes"].field_names)
    assert messages(result) == [
        "extract.xlsx, sheet ssd_cla_episodes, row 1: header row is 'episode, child, start'; "
        f"expected the fields of the SSD table ssd_cla_episodes: {names}"
    ]
    assert not m.Team.objects.exists()


def test_problems_in_a_workbook_name_the_sheet(authority, tmp_path):
    sheets = {**replace("ssd_cp_visits", 2, "cppv_cp_visit_date", "2025-02-30")}
    path = write_xlsx(tmp_path, "extract.xlsx", sheets)
    result = import_files(authority=authority, files=[("extract.xlsx", path)])
    assert messages(result) == [
        "extract.xlsx, sheet ssd_cp_visits, row 3: cppv_cp_visit_date is '2025-02-30'; "
        "expected a date such as 2025-03-31, 2025-03-31 00:00:00.000 or 31/03/2025"
    ]


def test_the_header_not_the_file_name_decides_the_table(authority, tmp_path):
    files = ssd_csv_files(tmp_path, {"ssd_department": SSD["ssd_department"]})
    misnamed = write_csv(tmp_path, "ssd_person.csv", SSD["ssd_professionals"])
    anonymous = write_csv(tmp_path, "export 3.csv", SSD["ssd_person"])
    result = import_files(
        authority=authority,
        files=[*files, ("ssd_person.csv", misnamed), ("export 3.csv", anonymous)],
    )
    assert messages(result) == []
    outcome = next(o for o in result.files if o.name == "ssd_person.csv")
    assert outcome.source == "ssd_professionals"
    assert (
        "ssd_person.csv: named ssd_person but its header row is that of ssd_professionals; "
        "read as ssd_professionals." in outcome.notes
    )
    assert m.Professional.objects.count() == 3 and m.Child.objects.count() == 2


def test_a_file_named_after_a_table_with_a_wrong_header_says_what_was_expected(authority, tmp_path):
    path = write_csv(tmp_path, "ssd_cp_plans.csv", [["plan", "child"], ["CP1", "C1"]])
    result = import_files(authority=authority, files=[("ssd_cp_plans.csv", path)])
    names = ", ".join(ssd_tables()["ssd_cp_plans"].field_names)
    assert messages(result) == [
        "ssd_cp_plans.csv, row 1: header row is 'plan, child'; expected the fields of the SSD "
        f"table ssd_cp_plans: {names}"
    ]


def test_detection_is_from_the_header(tmp_path):
    importer = SsdImporter()
    path = write_csv(tmp_path, "whatever.csv", SSD["ssd_cp_reviews"])
    assert importer.detect(name="whatever.csv", path=path, head=path.read_bytes())
    other = write_csv(tmp_path, "teams.csv", [["team", "name"], ["T1", "North"]])
    assert not importer.detect(name="teams.csv", path=other, head=other.read_bytes())


def test_latin1_bytes_are_refused_naming_the_line(authority, tmp_path):
    rows = [list(r) for r in SSD["ssd_department"]]
    rows[2][1] = "Équipe Sud"
    path = write_csv(tmp_path, "ssd_department.csv", rows, encoding="latin-1")
    result = import_files(authority=authority, files=[("ssd_department.csv", path)])
    assert messages(result) == [
        "ssd_department.csv, line 3: the file is not UTF-8 text: byte 0xC9 on line 3 is not "
        "UTF-8; expected UTF-8 (in Excel, save as 'CSV UTF-8 (Comma delimited)')"
    ]
    assert not m.Team.objects.exists()


def test_a_nul_character_past_the_first_bytes_is_refused_naming_the_line(authority, tmp_path):
    rows = [list(r) for r in SSD["ssd_department"]]
    # Past the bytes read to detect the format (HEAD_BYTES).
    rows += [[f"T{n}", f"Team {n}", "", "Locality " + "x" * 60] for n in range(3, 1200)]
    rows[1100][1] = "Team\x00 1100"
    assert len("".join(",".join(row) for row in rows[:1100])) > HEAD_BYTES
    path = write_csv(tmp_path, "ssd_department.csv", rows)
    result = import_files(authority=authority, files=[("ssd_department.csv", path)])
    assert messages(result) == ["ssd_department.csv, line 1101: " + NUL_CHARACTER.format(line=1101)]
    assert not m.Team.objects.exists()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_utf8_with_a_bom_and_utf16_with_a_bom_are_read(authority, tmp_path, encoding):
    rows = [list(r) for r in SSD["ssd_department"]]
    rows[2][1] = "Équipe Sud"
    path = write_csv(tmp_path, "ssd_department.csv", rows, encoding=encoding)
    result = import_files(authority=authority, files=[("ssd_department.csv", path)])
    assert messages(result) == []
    assert sorted(m.Team.objects.values_list("name", flat=True)) == [
        "North Safeguarding",
        "Équipe Sud",
    ]


def test_sql_server_datetimes_and_uk_dates_are_read(authority, tmp_path):
    tables = replace("ssd_cin_episodes", 1, "cine_referral_date", "2025-01-02 13:45:00.000")
    tables["ssd_cin_episodes"][2][2] = "10/02/2025"
    result = import_files(authority=authority, files=ssd_csv_files(tmp_path, tables))
    assert messages(result) == []
    assert sorted(m.CINEpisode.objects.values_list("referral_date", flat=True)) == [
        D(2025, 1, 2),
        D(2025, 2, 10),
    ]


def test_a_newer_extract_of_a_table_supersedes_the_older(authority, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    import_files(authority=authority, files=ssd_csv_files(tmp_path / "old"))
    visits = [SSD["ssd_cp_visits"][0], SSD["ssd_cp_visits"][1]]
    result = import_files(
        authority=authority,
        files=ssd_csv_files(tmp_path / "new", {"ssd_cp_visits": visits}),
    )
    assert result.files[0].removed == {"visit": 1}
    assert list(m.Visit.objects.values_list("ref", flat=True)) == ["V1"]
    old = ImportRun.objects.get(file_name="ssd_cp_visits.csv", superseded_by__isnull=False)
    assert old.superseded_by.source == "ssd_cp_visits"


def test_a_transfer_in_conference_and_a_plan_not_started(authority, tmp_path):
    tables = replace("ssd_initial_cp_conference", 1, "icpc_icpc_transfer_in", "Y")
    row = list(tables["ssd_initial_cp_conference"][1])
    row[0], row[4], row[9], row[8] = "", "", "N", "2025-03-03"
    tables["ssd_initial_cp_conference"].append(row)
    result = import_files(authority=authority, files=ssd_csv_files(tmp_path, tables))
    assert messages(result) == []
    held = sorted(
        m.Conference.objects.filter(kind__in=["initial", "transfer_in"]).values_list(
            "ref", "kind", "outcome", "plan__ref"
        )
    )
    assert held == [
        ("C1/icpc/2025-03-03", "transfer_in", "no_plan", None),
        ("IC1", "transfer_in", "plan_started", "CP1"),
    ]


def test_every_ssd_table_cpqa_maps_is_defined_in_the_yml_files():
    defined = ssd_tables()
    for mapping in SSD_MAPPINGS:
        assert mapping.table in defined
        names = defined[mapping.table].field_names
        assert [item.field for item in mapping.fields if item.field not in names] == []


def test_a_field_a_newer_file_does_not_have_keeps_what_is_held(authority, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    import_files(authority=authority, files=ssd_csv_files(tmp_path / "old"))
    without_department = [row[:4] + row[5:] for row in SSD["ssd_professionals"]]
    without_department[1][2] = "Ann Jones-Smith"
    result = import_files(
        authority=authority,
        files=ssd_csv_files(tmp_path / "new", {"ssd_professionals": without_department}),
    )
    assert messages(result) == []
    assert sorted(m.Professional.objects.values_list("ref", "name", "team__ref")) == [
        ("P1", "Ann Jones-Smith", "T1"),
        ("P2", "Bob Smith", "T1"),
        ("P3", "Cat Brown", None),
    ]
