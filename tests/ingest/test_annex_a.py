"""The Ofsted Annex A importer: the sample workbook, hand-built workbooks, variants, rejections."""

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st

from cpqa.casework.models import (
    Child,
    Conference,
    Involvement,
    Professional,
    ProtectionPlan,
    Section47,
    Team,
    Visit,
)
from cpqa.casework.schema import fact_table
from cpqa.casework.services import facts_conform, facts_load
from cpqa.ingest.base import importer_for
from cpqa.ingest.formats import annex_a
from cpqa.ingest.formats.annex_a import (
    DISABLED,
    AnnexAImporter,
    heading_match,
    heading_normalise,
    list_number,
)
from cpqa.ingest.models import ImportRun
from cpqa.ingest.services import UNKNOWN_FORMAT, import_files
from tests.fuzzing import FUZZ_DATABASE, FUZZ_FILE

SAMPLE = Path(__file__).parents[1] / "data" / "annex-a" / "Annex_A_sample.xlsx"

LIST_5_HEADINGS = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Does the Child have a Disability",
    "Strategy discussion initiating Section 47 Enquiry Start Date",
    "Was an Initial Child Protection Conference deemed unnecessary?",
    "Date of Initial Child Protection Conference",
    "Did the Initial Child Protection Conference Result in a Child Protection Plan",
    "Number of Section 47 Enquiries in the last 12 months",
    "Number of ICPCs in the last 12 months",
    "Allocated Team",
    "Allocated Worker",
]
LIST_7_HEADINGS = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Does the Child have a Disability",
    "Child Protection Plan Start Date",
    "Initial Category of Abuse",
    "Latest Category of Abuse",
    "Date of the Last Statutory Visit",
    "Was the Child Seen Alone?",
    "Date of latest review conference",
    "Child Protection Plan End Date",
    "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months "
    "(Y/N)",
    "Number of Previous Child Protection Plans",
    "Allocated Team",
    "Allocated Worker",
]
# Two enquiries (one led to a conference and a plan) and two plans (one ended at a review).
LIST_5_ROWS = [
    ["C1", "a) Male", "a) WBRI", date(2015, 3, 1), 10, "b) No", date(2025, 1, 6), "b) No",
     date(2025, 1, 20), "a) Yes", 1, 1, "North Team", "Ann Smith"],
    ["C2", "b) Female", "k) APKN", "14/07/2019", 5, "a) Yes", "2025-02-03", "a) Yes", None, None,
     1, 0, "South Team", "Bob Jones"],
]  # fmt: skip
LIST_7_ROWS = [
    ["C1", "a) Male", "a) WBRI", date(2015, 3, 1), 10, "b) No", date(2025, 1, 20), "a) Neglect",
     "d) Emotional abuse", date(2025, 3, 10), "a) Yes", date(2025, 3, 5), None, "b) No", 0,
     "North Team", "Ann Smith"],
    ["C3", "c) Not stated/recorded", "s) NOBT", None, None, "c) Unknown", date(2024, 6, 1),
     "b) Physical abuse", "b) Physical abuse", date(2024, 11, 28), "b) No", date(2024, 11, 20),
     date(2024, 11, 20), "b) No", 2, "South Team", "Cat Brown"],
]  # fmt: skip


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Write rows as they are: dates as Excel dates, None as an empty cell."""
    workbook = xlsxwriter.Workbook(str(path))
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, (date, datetime)):
                    sheet.write_datetime(r, c, value, day)
                elif isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, value)
    workbook.close()
    return path


def standard_sheets(**replace) -> dict[str, list[list]]:
    sheets = {
        "List 5": [list(LIST_5_HEADINGS), *[list(row) for row in LIST_5_ROWS]],
        "List 7": [list(LIST_7_HEADINGS), *[list(row) for row in LIST_7_ROWS]],
    }
    sheets.update(replace)
    return sheets


def parse(path: Path):
    return AnnexAImporter().parse(name=path.name, path=path, region="england")


def parsed(tmp_path: Path, sheets: dict[str, list[list]], name: str = "annex.xlsx"):
    return parse(write_workbook(tmp_path / name, sheets))


def column(sheets: dict[str, list[list]], sheet: str, heading: str) -> int:
    return sheets[sheet][0].index(heading)


def state() -> dict[str, list]:
    return {
        model.__name__: sorted(model.objects.values_list("ref", flat=True))
        for model in (Child, Team, Professional, Section47, ProtectionPlan, Conference, Visit,
                      Involvement)
    }  # fmt: skip


# --- Recognising the workbook and its headings --------------------------------------


@pytest.mark.parametrize(
    ("sheet_name", "number"),
    [
        ("List 5", 5),
        ("list5", 5),
        ("L5", 5),
        ("List_07 CP plans", 7),
        ("Annex A List 7", 7),
        ("List 11", 11),
        ("List 12", None),
        ("Lists", None),
        ("Cover", None),
    ],
)
def test_sheets_are_recognised_by_name(sheet_name, number):
    assert list_number(sheet_name) == number


@pytest.mark.parametrize(
    ("heading", "standard", "how"),
    [
        ("Child Unique ID", "Child Unique ID", "exact"),
        ("child unique id ", "Child Unique ID", "exact"),
        ("CHILD_UNIQUE_ID", "Child Unique ID", "exact"),
        ("Child ID", "Child Unique ID", "exact"),
        ("Child's LA identifier", "Child Unique ID", "pattern"),
        ("Strategy discussion initiating Section 47 Enquiry Start Date",
         "Strategy discussion initiating Section 47 Enquiry Start Date", "exact"),
        ("S47 Start Date", "Strategy discussion initiating Section 47 Enquiry Start Date", "exact"),
        ("Date s47 strategy discussion held",
         "Strategy discussion initiating Section 47 Enquiry Start Date", "pattern"),
        ("Strategy discusion initiating Section 47 Enquiry Start Date",
         "Strategy discussion initiating Section 47 Enquiry Start Date", "pattern"),
        ("Stratgy discusion initating Sectoin 47 Enquiry Strat Date",
         "Strategy discussion initiating Section 47 Enquiry Start Date", "close"),
        ("Date of ICPC", "Date of Initial Child Protection Conference", "exact"),
        ("ICPC held on (date)", "Date of Initial Child Protection Conference", "pattern"),
        ("Allocated Worker", "Allocated Worker", "exact"),
        ("Allocated Social Worker (name)", "Allocated Worker", "pattern"),
        ("Allocated Teem", "Allocated Team", "close"),
        ("Number of Section 47 Enquiries in the last 12 months",
         "Number of Section 47 Enquiries in the last 12 months", "exact"),
    ],
)  # fmt: skip
def test_list_5_headings_are_matched_tolerantly(heading, standard, how):
    found = heading_match(heading, annex_a.LIST_5_FIELDS)
    assert found.field is not None and found.field.heading == standard
    assert found.how == how


@pytest.mark.parametrize(
    ("heading", "standard"),
    [
        ("CP Plan Start Date", "Child Protection Plan Start Date"),
        ("Date CPP started", "Child Protection Plan Start Date"),
        ("Initial category", "Initial Category of Abuse"),
        ("Category of abuse at start (initial)", "Initial Category of Abuse"),
        ("Current category of abuse", "Latest Category of Abuse"),
        ("Last statutory visit", "Date of the Last Statutory Visit"),
        ("Date of most recent CP visit", "Date of the Last Statutory Visit"),
        ("Seen alone? (Y/N)", "Was the Child Seen Alone?"),
        ("Latest RCPC", "Date of latest review conference"),
        ("Date of last review CP conference", "Date of latest review conference"),
        ("CPP End Date", "Child Protection Plan End Date"),
        ("No. of previous CP plans", "Number of Previous Child Protection Plans"),
        ("D.O.B.", "Date of Birth"),
        ("Sex", "Gender"),
        ("Ethnic origin", "Ethnicity"),
        ("Disabled?", "Does the Child have a Disability"),
    ],
)
def test_list_7_headings_are_matched_tolerantly(heading, standard):
    found = heading_match(heading, annex_a.LIST_7_FIELDS)
    assert found.field is not None and found.field.heading == standard, found


def test_a_heading_that_fits_two_columns_is_ambiguous():
    found = heading_match("Plan start or end date", annex_a.LIST_7_FIELDS)
    assert found.how == "ambiguous"
    assert {found.field.key, found.other.key} == {"plan_start", "plan_end"}


def test_headings_are_normalised_for_case_spacing_and_punctuation():
    assert heading_normalise("  Child's  Date-of-Birth (D.O.B.)\n") == "childs date of birth d o b"
    assert heading_normalise("Allocated Team & Worker") == "allocated team and worker"


# --- The sample workbook ------------------------------------------------------------


def test_the_sample_workbook_is_detected_and_read(tmp_path):
    assert isinstance(importer_for(name=SAMPLE.name, path=SAMPLE), AnnexAImporter)
    result = parse(SAMPLE)
    assert result.problems == []
    assert (result.format, result.source) == ("annex_a", "annex_a")
    assert result.rows_read == 5 + 7
    # No stated period: the 6 months up to the latest date in Lists 5 and 7 (a visit on
    # 2 March 2021), since every enquiry started in those 6 months.
    assert (result.period_start, result.period_end) == (date(2020, 9, 3), date(2021, 3, 2))
    skipped = [note for note in result.notes if "which cpqa does not use" in note]
    assert len(skipped) == 9
    assert "Sheet 'List 6' is List 6 (children in need), which cpqa does not use: skipped." in (
        result.notes
    )
    # Three conferences started plans that List 7 does not hold (the sample's lists are
    # of different children).
    assert annex_a.PLAN_NOT_IN_LIST_7.format(sheet="List 5", rows="rows 2, 3, 6") in result.notes
    frames = result.frames
    assert frames["child"].height == 12
    assert frames["section47"].filter(pl.col("child") == "11641472").row(0, named=True) == {
        "ref": "11641472/s47/2020-09-16",
        "child": "11641472",
        "start_date": date(2020, 9, 16),
        "outcome": "icpc",
        "icpc_not_required": False,
        "team": "Children with Disabilities Team",
        "worker": "Delta Arthur",  # a non-breaking space in the workbook
    }
    plan = frames["protection_plan"].filter(pl.col("child") == "10721552").row(0, named=True)
    assert plan == {
        "ref": "10721552/cpp/2020-11-23",
        "child": "10721552",
        "start_date": date(2020, 11, 23),
        "end_date": date(2021, 2, 16),
        "initial_category": "PHY",
        "latest_category": "PHY",
        "previous_plans": 0,
        "team": "Locality 4 Unit 1",
    }


def test_the_sample_workbook_imports(authority):
    result = import_files(authority=authority, files=[(SAMPLE.name, SAMPLE)])
    assert result.accepted, [str(p) for p in result.problems]
    assert Child.objects.count() == 12
    assert Section47.objects.count() == 5
    assert ProtectionPlan.objects.count() == 7
    assert Conference.objects.filter(kind="initial").count() == 3
    assert Conference.objects.filter(kind="review").count() == 5
    assert Visit.objects.count() == 7
    assert Involvement.objects.count() == 7
    assert sorted(Team.objects.values_list("name", flat=True)) == [
        "Children with Disabilities Team",
        "Locality 2 Duty Team",
        "Locality 3 Duty Team",
        "Locality 3 Unit 2",
        "Locality 4 Unit 1",
    ]
    child = Child.objects.get(ref="11641472")
    assert (child.sex, child.ethnicity, child.disabilities) == ("F", "NOBT", "DDA")
    assert child.team.name == "Children with Disabilities Team"
    visit = Visit.objects.get(ref="10721552/visit/2021-01-22")
    assert (visit.plan.ref, visit.seen, visit.seen_alone) == ("10721552/cpp/2020-11-23", True, True)
    run = ImportRun.objects.get()
    assert (run.format, run.source, run.period_end) == ("annex_a", "annex_a", date(2021, 3, 2))


# --- A hand-built workbook ----------------------------------------------------------


def test_a_hand_built_workbook_gives_these_frames(tmp_path):
    result = parsed(tmp_path, standard_sheets())
    assert result.problems == []
    # Latest date 10/03/2025 (a visit); every enquiry started within 6 months of it.
    assert (result.period_start, result.period_end) == (date(2024, 9, 11), date(2025, 3, 10))
    frames = result.frames
    assert frames["child"].rows() == [
        ("C1", date(2015, 3, 1), None, "M", "WBRI", "NONE"),
        ("C3", None, None, "U", "NOBT", None),
        ("C2", date(2019, 7, 14), None, "F", "APKN", "DDA"),
    ]
    assert frames["team"].rows() == [("North Team", "North Team"), ("South Team", "South Team")]
    assert frames["professional"].rows() == [
        ("Ann Smith", "Ann Smith", "social_worker", "North Team"),
        ("Cat Brown", "Cat Brown", "social_worker", "South Team"),
        ("Bob Jones", "Bob Jones", "social_worker", "South Team"),
    ]
    assert frames["section47"].rows() == [
        ("C1/s47/2025-01-06", "C1", date(2025, 1, 6), "icpc", False, "North Team", "Ann Smith"),
        ("C2/s47/2025-02-03", "C2", date(2025, 2, 3), None, True, "South Team", "Bob Jones"),
    ]
    assert frames["protection_plan"].rows() == [
        ("C1/cpp/2025-01-20", "C1", date(2025, 1, 20), None, "NEG", "EMO", 0, "North Team"),
        ("C3/cpp/2024-06-01", "C3", date(2024, 6, 1), date(2024, 11, 20), "PHY", "PHY", 2,
         "South Team"),
    ]  # fmt: skip
    conferences = frames["conference"].select(
        "ref", "kind", "section47", "plan", "date_held", "outcome"
    )
    assert conferences.rows() == [
        ("C1/icpc/2025-01-20", "initial", "C1/s47/2025-01-06", "C1/cpp/2025-01-20",
         date(2025, 1, 20), "plan_started"),
        ("C1/review/2025-03-05", "review", None, "C1/cpp/2025-01-20", date(2025, 3, 5), None),
        ("C3/review/2024-11-20", "review", None, "C3/cpp/2024-06-01", date(2024, 11, 20), None),
    ]  # fmt: skip
    assert frames["visit"].rows() == [
        ("C1/visit/2025-03-10", "C1/cpp/2025-01-20", "C1", date(2025, 3, 10), True, True),
        ("C3/visit/2024-11-28", "C3/cpp/2024-06-01", "C3", date(2024, 11, 28), None, False),
    ]
    assert frames["involvement"].rows() == [
        ("C1/allocation/2025-01-20", "C1", "Ann Smith", "North Team", "Allocated social worker",
         date(2025, 1, 20), None),
        ("C3/allocation/2024-06-01", "C3", "Cat Brown", "South Team", "Allocated social worker",
         date(2024, 6, 1), date(2024, 11, 20)),
    ]  # fmt: skip


def test_a_hand_built_workbook_loads_and_children_get_their_team(authority, tmp_path):
    path = write_workbook(tmp_path / "annex.xlsx", standard_sheets())
    result = import_files(authority=authority, files=[("annex.xlsx", path)])
    assert result.accepted, [str(p) for p in result.problems]
    teams = dict(Child.objects.values_list("ref", "team__name"))
    assert teams == {"C1": "North Team", "C2": "South Team", "C3": "South Team"}
    icpc = Conference.objects.get(ref="C1/icpc/2025-01-20")
    assert (icpc.section47.ref, icpc.plan.ref) == ("C1/s47/2025-01-06", "C1/cpp/2025-01-20")


def test_a_yes_or_an_unknown_disability_keeps_the_codes_another_source_gave(authority, tmp_path):
    # e.g. a CIN census gave the specific codes; the workbook says C1 No, C2 Yes, C3 Unknown.
    facts_load(
        authority=authority,
        frames={
            "child": pl.DataFrame(
                {"ref": ["C1", "C2", "C3"], "disabilities": ["HAND", "HAND,VIS", "LD"]}
            )
        },
    )
    path = write_workbook(tmp_path / "annex.xlsx", standard_sheets())
    result = import_files(authority=authority, files=[("annex.xlsx", path)])
    assert result.accepted, [str(p) for p in result.problems]
    assert dict(Child.objects.values_list("ref", "disabilities")) == {
        "C1": "NONE",  # the workbook says No: the latest word
        "C2": "HAND,VIS",  # Yes: the specific codes stand
        "C3": "LD",  # not known: what was held stands
    }


def test_a_yes_for_a_child_held_with_no_disability_gives_the_generic_code(authority, tmp_path):
    facts_load(
        authority=authority,
        frames={"child": pl.DataFrame({"ref": ["C2"], "disabilities": ["NONE"]})},
    )
    path = write_workbook(tmp_path / "annex.xlsx", standard_sheets())
    assert import_files(authority=authority, files=[("annex.xlsx", path)]).accepted
    assert Child.objects.get(ref="C2").disabilities == DISABLED


def test_a_stated_period_and_headings_below_a_title_are_read(tmp_path):
    title = ["List 5: Section 47 enquiries"]
    sheets = standard_sheets(
        Cover=[["Annex A"], ["Reporting period: 01/04/2024 to 31/03/2025"]],
        **{"List 5": [title, [], list(LIST_5_HEADINGS), *LIST_5_ROWS]},
    )
    result = parsed(tmp_path, sheets)
    assert result.problems == []
    assert (result.period_start, result.period_end) == (date(2024, 4, 1), date(2025, 3, 31))
    assert (
        annex_a.PERIOD_STATED.format(start=date(2024, 4, 1), end=date(2025, 3, 31), sheet="Cover")
        in result.notes
    )
    assert result.frames["section47"].height == 2


def test_a_child_born_after_the_period_has_an_expected_date_of_birth(tmp_path):
    sheets = standard_sheets()
    sheets["List 7"][2][3] = date(2025, 4, 20)  # C3, after the period ends on 10/03/2025
    result = parsed(tmp_path, sheets)
    child = result.frames["child"].filter(pl.col("ref") == "C3").row(0, named=True)
    assert (child["date_of_birth"], child["expected_date_of_birth"]) == (None, date(2025, 4, 20))


def test_a_twelve_month_period_when_enquiries_started_earlier(tmp_path):
    sheets = standard_sheets()
    sheets["List 5"][2][6] = "2024-08-01"  # more than 6 months before 10/03/2025
    result = parsed(tmp_path, sheets)
    assert (result.period_start, result.period_end) == (date(2024, 3, 11), date(2025, 3, 10))


def test_repeated_rows_unallocated_and_disagreements_are_noted(tmp_path):
    sheets = standard_sheets()
    sheets["List 7"].append(list(LIST_7_ROWS[1]))  # row 4 repeats row 3
    sheets["List 5"][2][13] = "Unallocated"
    sheets["List 5"][1][3] = date(2015, 3, 2)  # C1's date of birth differs from List 7's
    result = parsed(tmp_path, sheets)
    assert result.problems == []
    assert "Sheet 'List 7': row 4 repeat earlier rows exactly and were skipped." in result.notes
    assert result.frames["protection_plan"].height == 2
    assert result.frames["section47"].get_column("worker").to_list() == ["Ann Smith", None]
    assert "Bob Jones" not in result.frames["professional"].get_column("ref").to_list()
    assert (
        annex_a.CHILD_DISAGREES.format(what="dates of birth", count=1, s="", children="C1")
        in result.notes
    )
    c1 = result.frames["child"].filter(pl.col("ref") == "C1")
    assert c1.get_column("date_of_birth").to_list() == [date(2015, 3, 1)]  # List 7's


def test_a_review_not_after_the_plan_start_is_not_a_review(tmp_path):
    sheets = standard_sheets()
    sheets["List 7"][1][11] = date(2025, 1, 20)  # the day the plan started: the ICPC
    result = parsed(tmp_path, sheets)
    assert result.frames["conference"].filter(pl.col("kind") == "review").height == 1
    assert annex_a.REVIEW_NOT_AFTER_START.format(sheet="List 7", rows="row 2") in result.notes


# --- Heading and value variants -----------------------------------------------------

HEADING_VARIANTS = {
    ("List 5", "Child Unique ID"): ["Child ID", "CHILD UNIQUE ID", "Child's unique identifier"],
    ("List 5", "Strategy discussion initiating Section 47 Enquiry Start Date"): [
        "S47 Start Date",
        "Section 47 enquiry start date",
        "Date of strategy discussion",
        "Strategy discussion initiating S.47 enquiry - start date",
    ],
    ("List 5", "Was an Initial Child Protection Conference deemed unnecessary?"): [
        "ICPC not required",
        "Was an ICPC deemed unnecessary",
    ],
    ("List 5", "Date of Initial Child Protection Conference"): [
        "ICPC Date",
        "Date of ICPC",
        "Initial child protection conference - date",
    ],
    ("List 5", "Did the Initial Child Protection Conference Result in a Child Protection Plan"): [
        "ICPC resulted in CP plan",
        "Did the ICPC result in a CP plan?",
    ],
    ("List 5", "Allocated Team"): ["Team", "Allocated team name", "ALLOCATED_TEAM"],
    ("List 5", "Allocated Worker"): ["Allocated social worker", "Worker name", "Allocated SW"],
    ("List 7", "Child Protection Plan Start Date"): [
        "CP Plan Start Date",
        "CPP start date",
        "Start date of child protection plan",
    ],
    ("List 7", "Initial Category of Abuse"): ["Initial category", "Initial category of harm"],
    ("List 7", "Latest Category of Abuse"): ["Latest category", "Current category of abuse"],
    ("List 7", "Date of the Last Statutory Visit"): [
        "Last statutory visit date",
        "Date of last visit",
        "Date of the last statutory visit (CP)",
    ],
    ("List 7", "Was the Child Seen Alone?"): ["Seen alone", "Child seen alone (Y/N)"],
    ("List 7", "Date of latest review conference"): ["Latest RCPC date", "Last review date"],
    ("List 7", "Child Protection Plan End Date"): ["CPP end date", "Date CP plan ended"],
    ("List 7", "Number of Previous Child Protection Plans"): [
        "Previous CP plans",
        "No. of previous child protection plans",
    ],
    ("List 7", "Date of Birth"): ["DOB", "D.O.B", "Child's date of birth"],
    ("List 7", "Gender"): ["Sex", "Child's gender"],
    ("List 7", "Ethnicity"): ["Ethnic group", "Ethnicity code"],
    ("List 7", "Does the Child have a Disability"): ["Disability", "Disabled (Y/N)"],
}


@pytest.fixture(scope="module")
def standard_frames(tmp_path_factory) -> dict[str, pl.DataFrame]:
    return parsed(tmp_path_factory.mktemp("standard"), standard_sheets()).frames


@pytest.mark.parametrize(
    ("sheet", "standard", "variant"),
    [(sheet, standard, v) for (sheet, standard), vs in HEADING_VARIANTS.items() for v in vs],
)
def test_heading_variants_give_the_same_frames(standard_frames, tmp_path, sheet, standard, variant):
    expected = standard_frames
    sheets = standard_sheets()
    sheets[sheet][0][column(sheets, sheet, standard)] = variant
    result = parsed(tmp_path, sheets, "variant.xlsx")
    assert result.problems == []
    for name, frame in expected.items():
        assert result.frames[name].equals(frame), name


VALUE_VARIANTS = [
    # (sheet, heading, row, cell as written, table, column, value cpqa holds)
    ("List 7", "Gender", 1, "Male", "child", "sex", "M"),
    ("List 7", "Gender", 1, "M", "child", "sex", "M"),
    ("List 7", "Gender", 1, "1", "child", "sex", "M"),
    ("List 7", "Gender", 1, 1, "child", "sex", "M"),
    ("List 7", "Gender", 1, " MALE ", "child", "sex", "M"),
    ("List 7", "Gender", 1, "b) Female", "child", "sex", "F"),
    ("List 7", "Gender", 1, "F", "child", "sex", "F"),
    ("List 7", "Gender", 1, "2", "child", "sex", "F"),
    ("List 7", "Gender", 1, "d) Neither", "child", "sex", "U"),
    ("List 5", "Gender", 2, None, "child", "sex", "U"),
    ("List 7", "Ethnicity", 1, "WBRI", "child", "ethnicity", "WBRI"),
    ("List 7", "Ethnicity", 1, "White British", "child", "ethnicity", "WBRI"),
    ("List 7", "Ethnicity", 1, "White - British", "child", "ethnicity", "WBRI"),
    ("List 7", "Ethnicity", 1, "Asian or Asian British: Indian", "child", "ethnicity", "AIND"),
    ("List 7", "Ethnicity", 1, "j) AIND", "child", "ethnicity", "AIND"),
    ("List 7", "Ethnicity", 1, "Refused", "child", "ethnicity", "REFU"),
    ("List 7", "Does the Child have a Disability", 1, "Yes", "child", "disabilities", "DDA"),
    ("List 7", "Does the Child have a Disability", 1, "Y", "child", "disabilities", "DDA"),
    ("List 7", "Does the Child have a Disability", 1, "N", "child", "disabilities", "NONE"),
    ("List 7", "Does the Child have a Disability", 1, "no", "child", "disabilities", "NONE"),
    ("List 5", "Does the Child have a Disability", 2, "Not known", "child", "disabilities", None),
    ("List 7", "Was the Child Seen Alone?", 1, "Y", "visit", "seen_alone", True),
    ("List 7", "Was the Child Seen Alone?", 1, "yes", "visit", "seen_alone", True),
    ("List 7", "Was the Child Seen Alone?", 1, True, "visit", "seen_alone", True),
    ("List 7", "Was the Child Seen Alone?", 1, "N", "visit", "seen_alone", False),
    ("List 7", "Was the Child Seen Alone?", 1, "0", "visit", "seen_alone", False),
    ("List 7", "Was the Child Seen Alone?", 1, "c) Unknown", "visit", "seen_alone", None),
    ("List 7", "Initial Category of Abuse", 1, "Neglect", "protection_plan",
     "initial_category", "NEG"),
    ("List 7", "Initial Category of Abuse", 1, "NEG", "protection_plan", "initial_category",
     "NEG"),
    ("List 7", "Initial Category of Abuse", 1, "N", "protection_plan", "initial_category", "NEG"),
    ("List 7", "Initial Category of Abuse", 1, "Neglect (NEG)", "protection_plan",
     "initial_category", "NEG"),
    ("List 7", "Initial Category of Abuse", 1, "Sexual Abuse", "protection_plan",
     "initial_category", "SAB"),
    ("List 7", "Initial Category of Abuse", 1, "Physical injury", "protection_plan",
     "initial_category", "PHY"),
    ("List 7", "Initial Category of Abuse", 1, "e) Multiple/not recommended", "protection_plan",
     "initial_category", "MUL"),
    ("List 7", "Initial Category of Abuse", 1, "EMO", "protection_plan", "initial_category",
     "EMO"),
    ("List 7", "Child Protection Plan End Date", 2, "20/11/2024", "protection_plan",
     "end_date", date(2024, 11, 20)),
    ("List 7", "Child Protection Plan End Date", 2, "2024-11-20", "protection_plan",
     "end_date", date(2024, 11, 20)),
    ("List 7", "Child Protection Plan End Date", 2, "20-Nov-2024", "protection_plan",
     "end_date", date(2024, 11, 20)),
    ("List 7", "Child Protection Plan End Date", 2, "20 November 2024", "protection_plan",
     "end_date", date(2024, 11, 20)),
    ("List 7", "Child Protection Plan End Date", 2, "20.11.2024", "protection_plan",
     "end_date", date(2024, 11, 20)),
    ("List 7", "Child Protection Plan End Date", 2, "2024-11-20 00:00:00", "protection_plan",
     "end_date", date(2024, 11, 20)),
    ("List 7", "Child Protection Plan End Date", 2, datetime(2024, 11, 20, 9, 30),
     "protection_plan", "end_date", date(2024, 11, 20)),
    # An Excel date that lost its date format: a serial number of days.
    ("List 7", "Child Protection Plan End Date", 2, 45616, "protection_plan", "end_date",
     date(2024, 11, 20)),
    ("List 7", "Number of Previous Child Protection Plans", 2, "2", "protection_plan",
     "previous_plans", 2),
    ("List 7", "Number of Previous Child Protection Plans", 2, 2.0, "protection_plan",
     "previous_plans", 2),
    ("List 7", "Number of Previous Child Protection Plans", 2, None, "protection_plan",
     "previous_plans", None),
    ("List 5", "Was an Initial Child Protection Conference deemed unnecessary?", 2, "Y",
     "section47", "icpc_not_required", True),
    ("List 5", "Was an Initial Child Protection Conference deemed unnecessary?", 2, "FALSE",
     "section47", "icpc_not_required", False),
    ("List 5", "Child Unique ID", 2, 9212044.0, "section47", "child", "9212044"),
    ("List 5", "Allocated Worker", 2, "Bob\u00a0 Jones ", "section47", "worker", "Bob Jones"),
    ("List 5", "Allocated Worker", 2, "Not allocated", "section47", "worker", None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("sheet", "heading", "row", "cell", "table", "field", "value"), VALUE_VARIANTS
)
def test_coded_value_variants(tmp_path, sheet, heading, row, cell, table, field, value):
    sheets = standard_sheets()
    sheets[sheet][row][column(sheets, sheet, heading)] = cell
    result = parsed(tmp_path, sheets)
    assert result.problems == [], [str(p) for p in result.problems]
    child = sheets[sheet][row][0]
    child = "9212044" if child == 9212044.0 else child
    key = "ref" if table == "child" else "child"
    rows = result.frames[table].filter(pl.col(key) == child)
    assert rows.get_column(field).to_list()[0] == value


# --- What is reported ---------------------------------------------------------------


def test_an_unknown_column_is_noted_and_a_missing_optional_one_too(tmp_path):
    sheets = standard_sheets()
    sheets["List 7"][0].append("Favourite colour")
    for row in sheets["List 7"][1:]:
        row.append("blue")
    seen_alone = column(sheets, "List 7", "Was the Child Seen Alone?")
    for row in sheets["List 7"]:
        del row[seen_alone]
    result = parsed(tmp_path, sheets)
    assert result.problems == []
    assert (
        "Sheet 'List 7': column Q 'Favourite colour' is not a List 7 heading cpqa knows: ignored."
        in result.notes
    )
    assert (
        "Sheet 'List 7': there is no column headed 'Was the Child Seen Alone?', so cpqa has none "
        "of that information." in result.notes
    )
    assert result.frames["visit"].get_column("seen_alone").to_list() == [None, None]


def test_a_close_spelling_is_read_and_noted(tmp_path):
    sheets = standard_sheets()
    sheets["List 7"][0][column(sheets, "List 7", "Allocated Team")] = "Alocated Teem"
    result = parsed(tmp_path, sheets)
    assert "Sheet 'List 7': column P 'Alocated Teem' was read as 'Allocated Team'." in (
        result.notes
    )
    assert result.frames["protection_plan"].get_column("team").to_list() == [
        "North Team",
        "South Team",
    ]


def test_a_missing_required_column_is_a_problem(tmp_path):
    sheets = standard_sheets()
    start = column(sheets, "List 7", "Child Protection Plan Start Date")
    for row in sheets["List 7"]:
        del row[start]
    result = parsed(tmp_path, sheets)
    assert [str(p) for p in result.problems] == [
        "annex.xlsx, sheet 'List 7': a column headed 'Child Protection Plan Start Date' (or a "
        "variant such as 'CP Plan Start Date'): cpqa needs it"
    ]
    assert result.frames == {}


def test_every_bad_value_is_a_problem_naming_sheet_row_heading_and_value(tmp_path):
    sheets = standard_sheets()
    sheets["List 5"][1][6] = "31/02/2025"  # no such day
    sheets["List 5"][2][8] = "next week"
    sheets["List 7"][2][12] = "20/11/24"  # a two-digit year
    sheets["List 7"][1][7] = "Bullying"
    sheets["List 7"][2][14] = "two"
    sheets["List 7"][1][1] = "X"
    sheets["List 7"][2][0] = None
    result = parsed(tmp_path, sheets)
    assert [str(p) for p in result.problems] == [
        f"annex.xlsx, sheet 'List 5', row 2: Strategy discussion initiating Section 47 Enquiry "
        f"Start Date is '31/02/2025'; expected {annex_a.DATE_EXPECTED}",
        f"annex.xlsx, sheet 'List 5', row 3: Date of Initial Child Protection Conference is "
        f"'next week'; expected {annex_a.DATE_EXPECTED}",
        "annex.xlsx, sheet 'List 7', row 3: Child Unique ID is empty; expected a value: cpqa "
        "needs it",
        f"annex.xlsx, sheet 'List 7', row 2: Gender is 'X'; expected {annex_a.SEX_EXPECTED}",
        f"annex.xlsx, sheet 'List 7', row 2: Initial Category of Abuse is 'Bullying'; expected "
        f"{annex_a.CATEGORY_EXPECTED}",
        f"annex.xlsx, sheet 'List 7', row 3: Child Protection Plan End Date is '20/11/24'; "
        f"expected {annex_a.DATE_EXPECTED}",
        f"annex.xlsx, sheet 'List 7', row 3: Number of Previous Child Protection Plans is "
        f"'two'; expected {annex_a.COUNT_EXPECTED}",
    ]
    problem = result.problems[0]
    assert (problem.location, problem.field, problem.value) == (
        "sheet 'List 5', row 2",
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "31/02/2025",
    )


def test_a_problem_names_the_heading_as_written(tmp_path):
    sheets = standard_sheets()
    sheets["List 7"][0][column(sheets, "List 7", "Date of the Last Statutory Visit")] = "Last visit"
    sheets["List 7"][1][9] = "soon"
    result = parsed(tmp_path, sheets)
    assert [(p.location, p.field, p.value) for p in result.problems] == [
        ("sheet 'List 7', row 2", "Last visit", "soon")
    ]


def test_an_extra_unknown_sheet_is_ignored_with_a_note(tmp_path):
    sheets = standard_sheets(Notes=[["Prepared by the data team"], ["Do not share"]])
    sheets["List 3"] = [["Child Unique ID", "Date of Referral"], ["C9", date(2025, 1, 1)]]
    result = parsed(tmp_path, sheets)
    assert result.problems == []
    assert "Sheet 'Notes' is not an Annex A list: ignored." in result.notes
    assert "Sheet 'List 3' is List 3 (referrals), which cpqa does not use: skipped." in (
        result.notes
    )
    assert "C9" not in result.frames["child"].get_column("ref").to_list()


def test_a_list_found_by_its_headings_under_another_sheet_name(tmp_path):
    sheets = standard_sheets()
    sheets["CP plans"] = sheets.pop("List 7")
    result = parsed(tmp_path, sheets)
    assert result.problems == []
    assert result.frames["protection_plan"].height == 2


def test_a_workbook_without_list_7_is_rejected_saying_why(tmp_path):
    sheets = standard_sheets()
    del sheets["List 7"]
    result = parsed(tmp_path, sheets)
    assert [str(p) for p in result.problems] == [
        "annex.xlsx: "
        + annex_a.MISSING_LIST.format(number=7, title="children on a child protection plan")
    ]


def test_two_sheets_for_one_list_are_a_problem(tmp_path):
    sheets = standard_sheets(**{"L5": [list(LIST_5_HEADINGS)]})
    result = parsed(tmp_path, sheets)
    assert [p.expected for p in result.problems] == [
        annex_a.LIST_TWICE.format(number=5, first="List 5", second="L5")
    ]


def test_a_sheet_with_no_heading_row_is_a_problem(tmp_path):
    sheets = standard_sheets(**{"List 5": [["Nothing here"], ["C1", "x"]]})
    result = parsed(tmp_path, sheets)
    assert [p.expected for p in result.problems] == [
        annex_a.NO_HEADING_ROW.format(
            rows=20,
            headings="'Child Unique ID' and "
            "'Strategy discussion initiating Section 47 Enquiry Start Date'",
        )
    ]


def test_empty_lists_import_nothing_but_are_accepted(tmp_path):
    result = parsed(
        tmp_path, {"List 5": [list(LIST_5_HEADINGS)], "List 7": [list(LIST_7_HEADINGS)]}
    )
    assert result.problems == []
    assert result.notes[-1] == annex_a.NO_DATES
    assert all(frame.height == 0 for frame in result.frames.values())
    assert (result.period_start, result.period_end) == (None, None)


# --- Not an Annex A workbook, and the database after a rejection --------------------


def test_a_workbook_that_is_not_annex_a_is_not_detected(authority, tmp_path):
    path = write_workbook(tmp_path / "budget.xlsx", {"Budget": [["Item", "Cost"], ["Tea", 3]]})
    assert not AnnexAImporter().detect(name=path.name, path=path, head=path.read_bytes())
    result = import_files(authority=authority, files=[("budget.xlsx", path)])
    (problem,) = result.problems
    assert problem.expected.startswith(UNKNOWN_FORMAT.split("{")[0])
    assert annex_a.EXPECTED in problem.expected


def test_a_file_that_only_looks_like_a_workbook_is_not_detected(tmp_path):
    path = tmp_path / "annex.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a zip file")
    assert not AnnexAImporter().detect(name=path.name, path=path, head=path.read_bytes())
    text = tmp_path / "annex.csv"
    text.write_text("Child Unique ID,Child Protection Plan Start Date\nC1,01/01/2025\n")
    assert not AnnexAImporter().detect(name=text.name, path=text, head=text.read_bytes())


def test_an_unreadable_workbook_is_a_problem(tmp_path):
    path = tmp_path / "annex.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a zip file")
    result = parse(path)
    (problem,) = result.problems
    assert problem.expected.startswith("a readable Excel workbook (.xlsx); it could not be opened")


def _bad_date(sheets):
    sheets["List 7"][1][6] = "sometime"


def _missing_list(sheets):
    del sheets["List 5"]


def _missing_column(sheets):
    for row in sheets["List 5"]:
        del row[0]


def _long_name(sheets):
    sheets["List 7"][1][16] = "x" * 101


def _long_child_id(sheets):
    sheets["List 5"][1][0] = "C" * 71


@pytest.mark.parametrize(
    "spoil", [_bad_date, _missing_list, _missing_column, _long_name, _long_child_id]
)
def test_the_database_is_unchanged_after_a_rejection(authority, tmp_path, spoil):
    first = write_workbook(tmp_path / "first.xlsx", standard_sheets())
    assert import_files(authority=authority, files=[("first.xlsx", first)]).accepted
    before = state()
    sheets = standard_sheets()
    sheets["List 7"][1][16] = "Dee Green"  # something that would change
    spoil(sheets)
    path = write_workbook(tmp_path / "second.xlsx", sheets)
    result = import_files(authority=authority, files=[("second.xlsx", path)])
    assert not result.accepted
    assert all(p.file == "second.xlsx" for p in result.problems)
    assert state() == before
    assert ImportRun.objects.get(file_name="second.xlsx").outcome == "rejected"


def test_a_later_workbook_supersedes_the_earlier_one(authority, tmp_path):
    first = write_workbook(tmp_path / "first.xlsx", standard_sheets())
    import_files(authority=authority, files=[("first.xlsx", first)])
    sheets = standard_sheets()
    del sheets["List 5"][2]  # C2's enquiry is no longer in the workbook
    second = write_workbook(tmp_path / "second.xlsx", sheets)
    result = import_files(authority=authority, files=[("second.xlsx", second)])
    assert result.accepted
    assert result.files[0].removed["section47"] == 1
    assert not Section47.objects.filter(ref="C2/s47/2025-02-03").exists()
    # Children are shared by every source: supersession removes events only.
    assert Child.objects.filter(ref="C2").exists()


# --- Mutated workbooks: a clean import or a clean rejection, never an exception -----


SPECIAL_CELLS = [
    "", " ", "Y", "N", "Unknown", "a) Yes", "NEG", "Neglect", "WBRI", "Male", "31/02/2025",
    "2025-13-01", "01/01/1899", "00/00/0000", "=1+1", "#N/A", "NULL", "Unallocated",
    "Child Unique ID", "Period: 01/04/2024 to 31/03/2025", "1e9", "-1", "12.5",
]  # fmt: skip
cells = st.one_of(
    st.none(),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), max_codepoint=0x2FFF),
        max_size=120,
    ),
    st.sampled_from(SPECIAL_CELLS),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 12, 31)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2200, 12, 31)),
)
mutations = st.lists(
    st.tuples(st.sampled_from(["List 5", "List 7"]), st.integers(0, 3), st.integers(0, 17), cells),
    min_size=1,
    max_size=6,
)

FILE_LEVEL = tuple(
    text.split("{")[0] for text in (annex_a.UNREADABLE, annex_a.MISSING_LIST, annex_a.LIST_TWICE)
)


def mutated(tmp_path: Path, changes) -> Path:
    sheets = standard_sheets()
    for sheet, row, col, value in changes:
        rows = sheets[sheet]
        while len(rows) <= row:
            rows.append([])
        while len(rows[row]) <= col:
            rows[row].append(None)
        rows[row][col] = value
    return write_workbook(tmp_path / "fuzz.xlsx", sheets)


def assert_clean_rejection(problems) -> None:
    assert problems
    for problem in problems:
        assert problem.file == "fuzz.xlsx"
        assert str(problem)
        # Every problem is the importer's, naming the sheet (and row), never the loader's.
        assert problem.location.startswith("sheet ") or problem.expected.startswith(FILE_LEVEL), (
            str(problem)
        )


@pytest.mark.fuzz
@FUZZ_FILE
@given(changes=mutations)
def test_mutated_workbooks_are_read_cleanly_or_rejected_cleanly(tmp_path_factory, changes):
    """No exception; if read, the frames are what the loader accepts (types, codes, refs)."""
    result = parse(mutated(tmp_path_factory.mktemp("fuzz"), changes))
    if result.problems:
        assert_clean_rejection(result.problems)
        assert result.frames == {}
        return
    refs = {name: set(frame.get_column("ref").to_list()) for name, frame in result.frames.items()}
    for name, frame in result.frames.items():
        table = fact_table(name)
        _, problems = facts_conform(table=table, frame=frame)
        assert problems == [], (name, problems)
        for spec in table.columns:
            if spec.references and spec.name in frame.columns:
                pointed = set(frame.get_column(spec.name).drop_nulls().to_list())
                assert pointed <= refs[spec.references], (name, spec.name)


@pytest.mark.fuzz
@FUZZ_DATABASE
@given(changes=mutations)
def test_mutated_workbooks_import_or_leave_the_database_as_it_was(authority, tmp_path, changes):
    path = mutated(tmp_path, changes)
    before = state()
    result = import_files(authority=authority, files=[("fuzz.xlsx", path)])
    if result.accepted:
        assert result.files[0].format == "annex_a"
        assert Child.objects.exists()
        return
    assert_clean_rejection(result.problems)
    assert state() == before
