"""The CIN census XML importer: the samples, a hand-worked file, every structural problem,
schema variants, all or nothing, and files mutated at random (hypothesis)."""

import copy
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from cpqa.casework.schema import fact_tables
from cpqa.casework.selectors import fact_frames
from cpqa.casework.services import facts_load
from cpqa.ingest.base import importer_for
from cpqa.ingest.formats import cin_census as cc
from cpqa.ingest.formats.cin_census import CINCensusImporter, census_year
from cpqa.ingest.models import ImportRun
from cpqa.ingest.services import OTHER_AUTHORITY, import_files
from tests.core.factories import AuthorityFactory
from tests.fuzzing import FUZZ, FUZZ_DATABASE

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "cin-census-samples"
D = date

# A hand-worked census: every line of it is accounted for in the tests below.
HAND = """<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CIN</Collection>
      <Year>2025</Year>
      <ReferenceDate>2025-03-31</ReferenceDate>
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel>
      <LEA>201</LEA>
    </Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers>
        <LAchildID>C1</LAchildID>
        <UPN>A123456789012</UPN>
        <PersonBirthDate>2015-06-01</PersonBirthDate>
        <Sex>F</Sex>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>WBRI</Ethnicity>
        <Disabilities>
          <Disability>AUT</Disability>
          <Disability>COMM</Disability>
        </Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2024-05-01</CINreferralDate>
        <ReferralSource>2A</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <Assessments>
          <AssessmentActualStartDate>2024-05-02</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2024-06-10</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment>
            <AssessmentFactors>3A</AssessmentFactors>
            <AssessmentFactors>4B</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <Section47>
          <S47ActualStartDate>2024-05-03</S47ActualStartDate>
          <InitialCPCtarget>2024-05-24</InitialCPCtarget>
          <DateOfInitialCPC>2024-05-20</DateOfInitialCPC>
          <ICPCnotRequired>false</ICPCnotRequired>
        </Section47>
        <ReferralNFA>false</ReferralNFA>
        <ChildProtectionPlans>
          <CPPstartDate>2024-05-20</CPPstartDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
          <NumberOfPreviousCPP>0</NumberOfPreviousCPP>
          <Reviews>
            <CPPreviewDate>2024-08-19</CPPreviewDate>
            <CPPreviewDate>2025-02-17</CPPreviewDate>
          </Reviews>
        </ChildProtectionPlans>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers>
        <LAchildID>C2</LAchildID>
        <ExpectedPersonBirthDate>2025-04-20</ExpectedPersonBirthDate>
        <GenderCurrent>0</GenderCurrent>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>NOBT</Ethnicity>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2025-01-06</CINreferralDate>
        <ReferralSource>3B</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <CINclosureDate>2025-03-03</CINclosureDate>
        <ReasonForClosure>RC8</ReasonForClosure>
        <DateOfInitialCPC>2025-02-03</DateOfInitialCPC>
        <CINPlanDates>
          <CINPlanStartDate>2025-02-03</CINPlanStartDate>
          <CINPlanEndDate>2025-03-03</CINPlanEndDate>
        </CINPlanDates>
        <ReferralNFA>0</ReferralNFA>
      </CINdetails>
    </Child>
  </Children>
</Message>
"""

C1_EPISODE = "C1/cin/2024-05-01"
C2_EPISODE = "C2/cin/2025-01-06"
HAND_FRAMES = {
    "child": [
        ("C1", D(2015, 6, 1), None, "F", "WBRI", "AUT,COMM", None),
        ("C2", None, D(2025, 4, 20), "U", "NOBT", None, None),
    ],
    "cin_episode": [
        (C1_EPISODE, "C1", D(2024, 5, 1), "2A", "N1", False, None, None),
        (C2_EPISODE, "C2", D(2025, 1, 6), "3B", "N1", False, D(2025, 3, 3), "RC8"),
    ],
    "assessment": [
        ("C1/assessment/2024-05-02", C1_EPISODE, "C1", D(2024, 5, 2), D(2024, 6, 10), "3A,4B")
    ],
    "cin_plan": [("C2/cinplan/2025-02-03", C2_EPISODE, "C2", D(2025, 2, 3), D(2025, 3, 3))],
    "section47": [
        ("C1/s47/2024-05-03", "C1", C1_EPISODE, D(2024, 5, 3), "icpc", D(2024, 5, 24), False)
    ],
    "protection_plan": [
        ("C1/cpp/2024-05-20", "C1", C1_EPISODE, D(2024, 5, 20), None, "NEG", "NEG", 0)
    ],
    "conference": [
        # ref, child, kind, section47, episode, plan, target, held, outcome
        (
            "C1/icpc/2024-05-20", "C1", "initial", "C1/s47/2024-05-03", C1_EPISODE,
            "C1/cpp/2024-05-20", D(2024, 5, 24), D(2024, 5, 20), "plan_started",
        ),
        ("C2/icpc/2025-02-03", "C2", "initial", None, C2_EPISODE, None, None, D(2025, 2, 3), None),
        (
            "C1/review/2024-08-19", "C1", "review", None, C1_EPISODE, "C1/cpp/2024-05-20", None,
            D(2024, 8, 19), None,
        ),
        (
            "C1/review/2025-02-17", "C1", "review", None, C1_EPISODE, "C1/cpp/2024-05-20", None,
            D(2025, 2, 17), None,
        ),
    ],
}  # fmt: skip
# The columns of HAND_FRAMES, in order.
HAND_COLUMNS = {
    "child": ["ref", "date_of_birth", "expected_date_of_birth", "sex", "ethnicity",
              "disabilities", "date_of_death"],
    "cin_episode": ["ref", "child", "referral_date", "referral_source", "primary_need",
                    "referral_nfa", "closure_date", "closure_reason"],
    "assessment": ["ref", "episode", "child", "start_date", "authorisation_date", "factors"],
    "cin_plan": ["ref", "episode", "child", "start_date", "end_date"],
    "section47": ["ref", "child", "episode", "start_date", "outcome", "icpc_target_date",
                  "icpc_not_required"],
    "protection_plan": ["ref", "child", "episode", "start_date", "end_date",
                        "initial_category", "latest_category", "previous_plans"],
    "conference": ["ref", "child", "kind", "section47", "episode", "plan", "target_date",
                   "date_held", "outcome"],
}  # fmt: skip
C1_PATH = "/Message/Children/Child[1]"
C1_DETAILS = f"{C1_PATH}/CINdetails[1]"


def parse(path: Path):
    return CINCensusImporter().parse(name=path.name, path=path, region="england")


def write(tmp_path: Path, text: str | bytes, name: str = "census.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def rows(frames: dict[str, pl.DataFrame]) -> dict[str, list[tuple]]:
    return {table: frame.rows() for table, frame in frames.items()}


def facts(parsed) -> dict[str, list[tuple]]:
    """The frames with the file's updates applied: what the database will hold."""
    frames = dict(parsed.frames)
    frames["conference"] = frames["conference"].join(
        parsed.updates["conference"], on="ref", how="left", maintain_order="left"
    )
    return {table: frames[table].select(HAND_COLUMNS[table]).rows() for table in frames}


def messages(result) -> list[str]:
    return [str(problem) for problem in result.problems]


def state() -> dict[str, object]:
    """Everything held: each fact table's records, and the accepted imports."""
    held: dict[str, object] = {
        table.name: sorted(table.model.objects.values_list("ref", flat=True))
        for table in fact_tables()
    }
    held["accepted runs"] = ImportRun.objects.filter(outcome="accepted").count()
    return held


# Detection --------------------------------------------------------------------------


@pytest.mark.parametrize("sample", sorted(path.name for path in SAMPLES.glob("*.xml")))
def test_every_sample_is_recognised_as_a_cin_census(sample):
    assert type(importer_for(name=sample, path=SAMPLES / sample)) is CINCensusImporter


@pytest.mark.parametrize(
    "text, recognised",
    [
        ("<?xml version='1.0'?>\n<!-- x -->\n<Message><Header><CollectionDetails>"
         "<Collection>CIN</Collection>", True),
        ("<Message>\n<Children>\n<Child>", True),
        ("<Message><Header><CollectionDetails><Collection>SEN2</Collection>", False),
        ("<Return><Children><Child>", False),
        ("LAchildID,PersonBirthDate\nC1,2015-01-01\n", False),
    ],
)  # fmt: skip
def test_a_cin_census_is_recognised_by_its_root_and_structure(tmp_path, text, recognised):
    path = write(tmp_path, text)
    found = CINCensusImporter().detect(name=path.name, path=path, head=path.read_bytes())
    assert found is recognised


def test_the_census_year_ends_on_the_reference_date():
    assert census_year(reference_date=D(2024, 3, 31)) == (D(2023, 4, 1), D(2024, 3, 31))
    assert census_year(reference_date=D(2024, 2, 29)) == (D(2023, 3, 1), D(2024, 2, 29))


# The hand-worked file ---------------------------------------------------------------


def test_the_hand_worked_file_gives_these_frames(tmp_path):
    parsed = parse(write(tmp_path, HAND))
    assert parsed.problems == []
    assert facts(parsed) == HAND_FRAMES
    # Only the conference that started a plan has an outcome, given as an update so as
    # not to clear another source's outcome of the others.
    assert "outcome" not in parsed.frames["conference"].columns
    assert parsed.updates["conference"].rows() == [("C1/icpc/2024-05-20", "plan_started")]
    assert (parsed.format, parsed.source) == ("cin_census", "cin_census")
    assert (parsed.period_start, parsed.period_end) == (D(2024, 4, 1), D(2025, 3, 31))
    # 2 children, 2 episodes, 1 assessment, 1 CIN plan, 1 enquiry, 1 plan, 2 reviews and
    # 2 initial conferences.
    assert parsed.rows_read == 12
    assert parsed.notes == [
        "CIN census with reference date 31 March 2025 (census year 1 April 2024 to "
        "31 March 2025), LEA 201: 2 children, 2 CIN episodes, 1 assessments, 1 CIN plans, "
        "1 section 47 enquiries, 1 child protection plans, 4 conferences.",
        cc.NOTE_NOT_HELD.format(elements="UPN (1)"),
    ]


@pytest.mark.django_db
def test_the_hand_worked_file_loads_and_reads_back_the_same(authority, tmp_path):
    result = import_files(authority=authority, files=[("hand.xml", write(tmp_path, HAND))])
    assert result.accepted, messages(result)
    (outcome,) = result.files
    assert outcome.format == "cin_census"
    assert outcome.rows_read == outcome.rows_accepted == 12
    held = fact_frames(authority=authority, tables=tuple(HAND_FRAMES))
    for table, expected in HAND_FRAMES.items():
        found = held[table].select(HAND_COLUMNS[table]).rows()
        assert sorted(found, key=str) == sorted(expected, key=str), table
    run = ImportRun.objects.get()
    assert (run.period_start, run.period_end) == (D(2024, 4, 1), D(2025, 3, 31))


# The samples --------------------------------------------------------------------------

SAMPLE_LEA = {
    "CIN2rows.xml": "201",
    "CIN_Census_2021.xml": "201",
    "CIN_Census_2024.xml": "201",
    "CIN_Census_2026.xml": "201",
    "fake_CIN_data.xml": "975",
}


@pytest.fixture
def authority(db):
    """The authority the hand-worked census and most samples say they come from (LEA 201)."""
    return AuthorityFactory(code="201", name="City of London")


def test_every_sample_says_which_authority_it_comes_from():
    assert {sample: parse(SAMPLES / sample).authority_code for sample in SAMPLE_LEA} == SAMPLE_LEA
    assert {path.name for path in SAMPLES.glob("*.xml")} == set(SAMPLE_LEA)


@pytest.mark.django_db
def test_a_census_of_another_authority_is_rejected_and_changes_nothing(authority, tmp_path):
    import_files(authority=authority, files=[("held.xml", SAMPLES / "CIN_Census_2024.xml")])
    before = state()
    other = write(tmp_path, HAND.replace("<LEA>201</LEA>", "<LEA>202</LEA>"), "camden.xml")
    result = import_files(authority=authority, files=[("camden.xml", other)])
    assert messages(result) == [
        "camden.xml, /Message/Header/Source/LEA: the authority's code is '202'; expected "
        + OTHER_AUTHORITY.format(code="201", name="City of London")
    ]
    assert state() == before


@pytest.mark.django_db
def test_a_census_that_names_no_authority_is_imported(authority, tmp_path):
    text = HAND.replace("      <LEA>201</LEA>\n", "")
    assert "<LEA>" not in text
    result = import_files(authority=authority, files=[("census.xml", write(tmp_path, text))])
    assert result.accepted, messages(result)
    assert "LEA not given: 2 children" in result.files[0].notes[0]


STRAY = cc.NOTE_STRAY_TEXT.format(
    path=f"{C1_PATH}/ChildIdentifiers[1]/UPNunknown[1]", text="PersonBirthDate"
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sample, counts, notes",
    [
        (
            "CIN2rows.xml",
            {"child": 1, "cin_episode": 1, "assessment": 1, "cin_plan": 1, "section47": 1,
             "protection_plan": 2, "conference": 4},
            [STRAY, cc.NOTE_NOT_HELD.format(elements="FormerUPN (1), UPN (1), UPNunknown (1)")],
        ),
        (
            "CIN_Census_2021.xml",
            {"child": 1, "cin_episode": 1, "assessment": 1, "cin_plan": 1, "section47": 1,
             "protection_plan": 1, "conference": 3},
            [STRAY, cc.NOTE_NOT_HELD.format(elements="FormerUPN (1), UPN (1), UPNunknown (1)"),
             cc.NOTE_NO_FIELD.format(elements="AssessmentInternalReviewDate (1)")],
        ),
        (
            "CIN_Census_2024.xml",
            {"child": 2, "cin_episode": 2, "assessment": 2, "cin_plan": 1, "section47": 1,
             "protection_plan": 1, "conference": 3},
            [STRAY, cc.NOTE_NOT_HELD.format(elements="FormerUPN (1), UPN (1), UPNunknown (2)")],
        ),
        (
            "CIN_Census_2026.xml",
            {"child": 2, "cin_episode": 2, "assessment": 2, "cin_plan": 1, "section47": 1,
             "protection_plan": 1, "conference": 3},
            [STRAY, cc.NOTE_NOT_HELD.format(elements="FormerUPN (1), UPN (1), UPNunknown (2)"),
             cc.NOTE_PRE_PROCEEDINGS.format(count=1)],
        ),
        (
            "fake_CIN_data.xml",
            {"child": 332, "cin_episode": 402, "assessment": 0, "cin_plan": 0, "section47": 0,
             "protection_plan": 0, "conference": 350},
            [cc.NOTE_NOT_HELD.format(elements="UPN (332)")],
        ),
    ],
)  # fmt: skip
def test_each_sample_imports_with_these_records_and_notes(sample, counts, notes):
    # Each sample says which authority it comes from (Header/Source/LEA).
    authority = AuthorityFactory(code=SAMPLE_LEA[sample])
    result = import_files(authority=authority, files=[(sample, SAMPLES / sample)])
    assert result.accepted, messages(result)
    (outcome,) = result.files
    assert {table: count.inserted for table, count in outcome.counts.items()} == counts
    assert outcome.notes[1:] == notes


def test_two_identical_plans_are_numbered_and_keep_their_own_reviews():
    frames = parse(SAMPLES / "CIN2rows.xml").frames
    assert frames["protection_plan"]["ref"].to_list() == [
        "DfEX0000001/cpp/2022-02-17",
        "DfEX0000001/cpp/2022-02-17#2",
    ]
    reviews = frames["conference"].filter(pl.col("kind") == "review")
    assert reviews.select("ref", "plan").rows() == [
        ("DfEX0000001/review/2023-02-15", "DfEX0000001/cpp/2022-02-17"),
        ("DfEX0000001/review/2023-02-15#2", "DfEX0000001/cpp/2022-02-17#2"),
    ]


def test_an_icpc_at_cindetails_level_is_the_episodes_and_one_at_section47_level_the_enquirys():
    frames = parse(SAMPLES / "CIN_Census_2021.xml").frames
    initial = frames["conference"].filter(pl.col("kind") == "initial")
    assert initial.select("ref", "section47", "episode", "target_date").rows() == [
        ("DfEX0000001/icpc/1970-06-17", "DfEX0000001/s47/1970-06-02",
         "DfEX0000001/cin/1970-10-06", D(1970, 6, 23)),
        ("DfEX0000001/icpc/1970-12-06", None, "DfEX0000001/cin/1970-10-06", None),
    ]  # fmt: skip


def test_values_the_validation_rules_report_are_kept_as_they_are():
    # The 2021 sample's child was born in 1965 and expected in 1066; the 2024 sample has an
    # assessment authorised before it started and an empty list of factors.
    frames = parse(SAMPLES / "CIN_Census_2021.xml").frames
    assert frames["child"].row(0)[1:3] == (D(1965, 3, 27), D(1066, 4, 13))
    frames = parse(SAMPLES / "CIN_Census_2024.xml").frames
    assert frames["assessment"].select("start_date", "authorisation_date", "factors").rows() == [
        (D(2028, 4, 28), D(2020, 9, 19), "1C,RB,6B"),
        (D(2023, 12, 25), D(2024, 1, 27), None),
    ]


def test_both_code_sets_of_sex_and_gender_are_read():
    # The 2024 sample writes <Sex>1</Sex> and <Sex>M</Sex>; fake_CIN_data has GenderCurrent
    # 0, 1, 2 and 9.
    assert parse(SAMPLES / "CIN_Census_2024.xml").frames["child"]["sex"].to_list() == ["M", "M"]
    sexes = parse(SAMPLES / "fake_CIN_data.xml").frames["child"]["sex"].value_counts(sort=True)
    assert dict(sexes.rows()) == {"U": 176, "M": 82, "F": 74}  # 0 (96) and 9 (80) are U


# Structural problems: each rejects the file, saying where, what and why --------------------


def hand_with(old: str, new: str, count: int = 1) -> str:
    assert HAND.count(old) >= count, old
    return HAND.replace(old, new, count)


BAD_DATE = (
    hand_with("<S47ActualStartDate>2024-05-03", "<S47ActualStartDate>2024-13-03"),
    [f"census.xml, {C1_DETAILS}/Section47[1]/S47ActualStartDate: S47ActualStartDate is "
     f"'2024-13-03'; expected {cc.EXPECTED_DATE}"],
)  # fmt: skip

STRUCTURAL = {
    "a date that is not a date": BAD_DATE,
    "a date in another format": (
        hand_with("<PersonBirthDate>2015-06-01", "<PersonBirthDate>01/06/2015"),
        [f"census.xml, {C1_PATH}/ChildIdentifiers[1]/PersonBirthDate: PersonBirthDate is "
         f"'01/06/2015'; expected {cc.EXPECTED_DATE}"],
    ),
    "stray text inside a value": (
        hand_with("<CPPreviewDate>2025-02-17", "<CPPreviewDate>2025-02-17 CPPreviewDate"),
        [f"census.xml, {C1_DETAILS}/ChildProtectionPlans[1]/Reviews[1]/CPPreviewDate[2]: "
         f"CPPreviewDate is '2025-02-17 CPPreviewDate'; expected {cc.EXPECTED_DATE}"],
    ),
    "a boolean that is not a boolean": (
        hand_with("<ICPCnotRequired>false", "<ICPCnotRequired>no"),
        [f"census.xml, {C1_DETAILS}/Section47[1]/ICPCnotRequired: ICPCnotRequired is 'no'; "
         f"expected {cc.EXPECTED_BOOLEAN}"],
    ),
    "an unknown sex code": (
        hand_with("<Sex>F</Sex>", "<Sex>X</Sex>"),
        [f"census.xml, {C1_PATH}/ChildIdentifiers[1]/Sex: Sex is 'X'; expected {cc.EXPECTED_SEX}"],
    ),
    "an unknown gender code": (
        hand_with("<GenderCurrent>0", "<GenderCurrent>3"),
        ["census.xml, /Message/Children/Child[2]/ChildIdentifiers[1]/GenderCurrent: "
         f"GenderCurrent is '3'; expected {cc.EXPECTED_SEX}"],
    ),
    "sex and gender that disagree": (
        hand_with("<Sex>F</Sex>", "<Sex>F</Sex><GenderCurrent>1</GenderCurrent>"),
        [f"census.xml, {C1_PATH}/ChildIdentifiers[1]/GenderCurrent: GenderCurrent is '1'; "
         "expected the same sex as Sex ('F'), or only one of Sex and GenderCurrent"],
    ),
    "a number that is not a number": (
        hand_with("<NumberOfPreviousCPP>0", "<NumberOfPreviousCPP>none"),
        [f"census.xml, {C1_DETAILS}/ChildProtectionPlans[1]/NumberOfPreviousCPP: "
         f"NumberOfPreviousCPP is 'none'; expected {cc.EXPECTED_COUNT}"],
    ),
    "a negative number": (
        hand_with("<NumberOfPreviousCPP>0", "<NumberOfPreviousCPP>-1"),
        [f"census.xml, {C1_DETAILS}/ChildProtectionPlans[1]/NumberOfPreviousCPP: "
         f"NumberOfPreviousCPP is '-1'; expected {cc.EXPECTED_COUNT}"],
    ),
    "a missing LAchildID": (
        hand_with("<LAchildID>C2</LAchildID>", ""),
        ["census.xml, /Message/Children/Child[2]/ChildIdentifiers[1]/LAchildID: LAchildID is "
         f"empty; expected {cc.EXPECTED_CHILD_ID}"],
    ),
    "an empty LAchildID": (
        hand_with("<LAchildID>C2</LAchildID>", "<LAchildID> </LAchildID>"),
        ["census.xml, /Message/Children/Child[2]/ChildIdentifiers[1]/LAchildID: LAchildID is "
         f"empty; expected {cc.EXPECTED_CHILD_ID}"],
    ),
    "a child twice": (
        hand_with("<LAchildID>C2</LAchildID>", "<LAchildID>C1</LAchildID>"),
        ["census.xml, /Message/Children/Child[2]/ChildIdentifiers[1]/LAchildID: LAchildID is "
         "'C1'; expected each child once, but this LAchildID is also at "
         "/Message/Children/Child[1]"],
    ),
    "a missing ReferenceDate": (
        hand_with("<ReferenceDate>2025-03-31</ReferenceDate>", ""),
        ["census.xml, /Message/Header/CollectionDetails[1]/ReferenceDate: ReferenceDate is "
         f"empty; expected {cc.EXPECTED_REFERENCE_DATE}"],
    ),
    "a missing Header": (
        HAND[: HAND.index("  <Header>")] + HAND[HAND.index("  <Children>") :],
        [f"census.xml, /Message: Header is empty; expected {cc.EXPECTED_HEADER}"],
    ),
    "another collection": (
        hand_with("<Collection>CIN</Collection>", "<Collection>SEN2</Collection>"),
        ["census.xml, /Message/Header/CollectionDetails[1]/Collection: Collection is 'SEN2'; "
         "expected CIN"],
    ),
    "no children": (
        HAND[: HAND.index("    <Child>")] + HAND[HAND.index("  </Children>") :],
        [f"census.xml, /Message: Children is empty; expected {cc.EXPECTED_CHILDREN}"],
    ),
    "a value given twice": (
        hand_with("<Ethnicity>WBRI</Ethnicity>",
                  "<Ethnicity>WBRI</Ethnicity><Ethnicity>WIRI</Ethnicity>"),
        [f"census.xml, {C1_PATH}/ChildCharacteristics[1]/Ethnicity[2]: Ethnicity is 'WIRI'; "
         "expected at most one Ethnicity in ChildCharacteristics"],
    ),
    "elements inside a value": (
        hand_with("<CINreferralDate>2024-05-01</CINreferralDate>",
                  "<CINreferralDate><Day>2024-05-01</Day></CINreferralDate>"),
        [f"census.xml, {C1_DETAILS}/CINreferralDate: CINreferralDate is empty; expected a "
         "value, not elements inside CINreferralDate"],
    ),
    "a code too long to hold": (
        hand_with("<Ethnicity>WBRI</Ethnicity>", "<Ethnicity>White British</Ethnicity>"),
        [f"census.xml, {C1_PATH}/ChildCharacteristics[1]/Ethnicity: Ethnicity is "
         "'White British'; expected at most 4 characters"],
    ),
}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(STRUCTURAL))
def test_a_structural_problem_rejects_the_file_and_changes_nothing(authority, tmp_path, case):
    text, expected = STRUCTURAL[case]
    import_files(authority=authority, files=[("held.xml", SAMPLES / "CIN_Census_2024.xml")])
    before = state()
    assert before["child"]
    result = import_files(authority=authority, files=[("census.xml", write(tmp_path, text))])
    assert messages(result) == expected
    assert state() == before
    assert ImportRun.objects.filter(outcome="rejected").count() == 1


def test_every_problem_is_reported_not_only_the_first(tmp_path):
    text = hand_with("2024-05-20", "2024-05-32", count=2).replace(
        "<GenderCurrent>0", "<GenderCurrent>7"
    )
    result = parse(write(tmp_path, text.replace("<LAchildID>C2</LAchildID>", "")))
    assert messages(result) == [
        "census.xml, /Message/Children/Child[2]/ChildIdentifiers[1]/LAchildID: LAchildID is "
        f"empty; expected {cc.EXPECTED_CHILD_ID}",
        "census.xml, /Message/Children/Child[2]/ChildIdentifiers[1]/GenderCurrent: "
        f"GenderCurrent is '7'; expected {cc.EXPECTED_SEX}",
        f"census.xml, {C1_DETAILS}/Section47[1]/DateOfInitialCPC: DateOfInitialCPC is "
        f"'2024-05-32'; expected {cc.EXPECTED_DATE}",
        f"census.xml, {C1_DETAILS}/ChildProtectionPlans[1]/CPPstartDate: CPPstartDate is "
        f"'2024-05-32'; expected {cc.EXPECTED_DATE}",
    ]
    assert result.frames == {}


def test_many_problems_of_one_kind_are_counted_after_the_first_fifty(tmp_path):
    child = HAND[HAND.index("    <Child>") : HAND.index("    <Child>", HAND.index("<Child>") + 1)]
    bad = child.replace("<PersonBirthDate>2015-06-01", "<PersonBirthDate>2015-6-1")
    children = "".join(bad.replace(">C1<", f">C{n}<") for n in range(60))
    text = HAND[: HAND.index("    <Child>")] + children + HAND[HAND.index("  </Children>") :]
    result = parse(write(tmp_path, text))
    assert len(result.problems) == 51
    assert (
        result.problems[49].location
        == "/Message/Children/Child[50]/ChildIdentifiers[1]/PersonBirthDate"
    )
    assert str(result.problems[50]) == (
        "census.xml: and 10 more problems with PersonBirthDate like those above"
    )


# XML that is not well formed, or not in its encoding --------------------------------


def problem_of(tmp_path: Path, data: bytes) -> list[str]:
    return messages(parse(write(tmp_path, data)))


def test_a_truncated_file_is_rejected_with_the_line_and_column(tmp_path):
    end = HAND.index("<ReferralSource>3B")
    line = HAND[:end].count("\n") + 1
    opened = HAND[: HAND.rindex("<CINdetails>", 0, end)].count("\n") + 1
    assert problem_of(tmp_path, HAND.encode()[:end]) == [
        f"census.xml, line {line}, column 9: the file is not well-formed XML (Premature end "
        f"of data in tag CINdetails line {opened}); expected complete, well-formed XML"
    ]


def test_mismatched_tags_are_rejected_with_the_line_and_column(tmp_path):
    text = hand_with("<Ethnicity>NOBT</Ethnicity>", "<Ethnicity>NOBT</Ethnicty>")
    line = text[: text.index("</Ethnicty>")].count("\n") + 1
    assert problem_of(tmp_path, text.encode()) == [
        f"census.xml, line {line}, column 35: the file is not well-formed XML (Opening and "
        f"ending tag mismatch: Ethnicity line {line} and Ethnicty); expected complete, "
        "well-formed XML"
    ]


def test_a_file_declaring_utf16_but_written_in_utf8_is_rejected(tmp_path):
    data = hand_with('encoding="UTF-8"', 'encoding="UTF-16"').encode()
    assert problem_of(tmp_path, data) == [
        "census.xml, line 1: the file declares encoding 'UTF-16' but is written in an "
        "ASCII-based encoding such as UTF-8; expected the declaration to match the file, "
        'e.g. encoding="UTF-8"'
    ]


def test_bytes_that_are_not_utf8_are_rejected_with_the_line_and_column(tmp_path):
    data = hand_with("<LAchildID>C2<", "<LAchildID>Zoé<").encode("latin-1")
    line = HAND[: HAND.index("<LAchildID>C2<")].count("\n") + 1
    assert problem_of(tmp_path, data) == [
        f"census.xml, line {line}, column 22: the file has bytes that are not valid UTF-8 "
        "(the file declares UTF-8); expected the file to be saved in the encoding it declares"
    ]
    undeclared = data[data.index(b"<Message>") :]
    assert problem_of(tmp_path, undeclared)[0].endswith(
        "the file has bytes that are not valid UTF-8 (no encoding is declared, so XML reads "
        "it as UTF-8); expected the file to be saved in the encoding it declares"
    )


def test_an_unknown_encoding_is_rejected(tmp_path):
    data = hand_with('encoding="UTF-8"', 'encoding="KLINGON-8"').encode()
    assert problem_of(tmp_path, data) == [
        "census.xml, line 1, column 41: the file declares encoding 'KLINGON-8', which cpqa "
        "cannot read; expected UTF-8"
    ]


@pytest.mark.parametrize(
    "encoding, declared", [("latin-1", "ISO-8859-1"), ("utf-16", "UTF-16"), ("utf-8-sig", "UTF-8")]
)
def test_a_file_in_the_encoding_it_declares_is_read(tmp_path, encoding, declared):
    text = hand_with('encoding="UTF-8"', f'encoding="{declared}"').replace(">C2<", ">Zoé<")
    result = parse(write(tmp_path, text.encode(encoding)))
    assert result.problems == []
    assert result.frames["child"]["ref"].to_list() == ["C1", "Zoé"]


def test_a_census_in_an_xml_namespace_is_rejected(tmp_path):
    text = hand_with("<Message>", '<Message xmlns="http://example.org/cin">')
    assert problem_of(tmp_path, text.encode()) == [
        "census.xml, /: the root element is '{http://example.org/cin}Message'; expected a CIN "
        "census Message with no XML namespace"
    ]


def test_entities_are_read_and_nothing_outside_the_file_is(tmp_path):
    text = hand_with("<LAchildID>C2</LAchildID>", "<LAchildID>C&amp;2</LAchildID>")
    assert parse(write(tmp_path, text)).frames["child"]["ref"].to_list() == ["C1", "C&2"]
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    external = hand_with(
        "<Message>", f'<!DOCTYPE Message [<!ENTITY x SYSTEM "file://{secret}">]>\n<Message>'
    ).replace("<LAchildID>C2</LAchildID>", "<LAchildID>C2&x;</LAchildID>")
    result = parse(write(tmp_path, external))
    assert "SECRET" not in str(result.frames.get("child", "")) + " ".join(messages(result))


# Tolerated: stray text, unknown elements, comments ----------------------------------


def test_stray_text_between_elements_is_ignored_with_a_note_naming_where(tmp_path):
    text = hand_with("</Ethnicity>", "</Ethnicity>Ethnicity").replace("<Reviews>", "<Reviews>stray")
    result = parse(write(tmp_path, text))
    assert result.problems == []
    assert facts(result) == HAND_FRAMES
    assert result.notes[1:3] == [
        cc.NOTE_STRAY_TEXT.format(
            path=f"{C1_PATH}/ChildCharacteristics[1]/Ethnicity[1]", text="Ethnicity"
        ),
        cc.NOTE_STRAY_TEXT.format(
            path=f"the start of {C1_DETAILS}/ChildProtectionPlans[1]/Reviews[1]", text="stray"
        ),
    ]


def test_unknown_elements_and_comments_are_ignored_with_a_note(tmp_path):
    text = hand_with(
        "<ReferralNFA>false</ReferralNFA>",
        "<!-- checked --><ReferralNFA>false</ReferralNFA><Outcome>x</Outcome>",
    )
    result = parse(write(tmp_path, text))
    assert result.problems == []
    assert facts(result) == HAND_FRAMES
    assert result.notes[-1] == cc.NOTE_UNKNOWN.format(
        count=1, tag="Outcome", path=f"{C1_DETAILS}/Outcome"
    )


# Schema variants --------------------------------------------------------------------


DISABILITIES = HAND[HAND.index("<Disabilities>") : HAND.index("</Disabilities>") + 15]


@pytest.mark.parametrize(
    "old, new, table, column, value",
    [
        ("<Sex>F</Sex>", "<GenderCurrent>2</GenderCurrent>", "child", "sex", "F"),
        ("<Sex>F</Sex>", "<Sex>2</Sex>", "child", "sex", "F"),
        ("<Sex>F</Sex>", "<GenderCurrent>F</GenderCurrent>", "child", "sex", "F"),
        ("<Sex>F</Sex>", "<Sex>F</Sex><GenderCurrent>2</GenderCurrent>", "child", "sex", "F"),
        ("<Sex>F</Sex>", "<GenderCurrent>9</GenderCurrent>", "child", "sex", "U"),
        ("<Sex>F</Sex>", "", "child", "sex", None),
        (DISABILITIES, "<Disabilities/>", "child", "disabilities", None),
        (DISABILITIES, "", "child", "disabilities", None),
        ("<ICPCnotRequired>false", "<ICPCnotRequired>0", "section47", "icpc_not_required", False),
        ("<ICPCnotRequired>false", "<ICPCnotRequired>TRUE", "section47", "icpc_not_required",
         True),
        ("<ICPCnotRequired>false", "<ICPCnotRequired>1", "section47", "icpc_not_required", True),
        ("<ReferralNFA>false", "<ReferralNFA>true", "cin_episode", "referral_nfa", True),
        ("<NumberOfPreviousCPP>0", "<NumberOfPreviousCPP>03", "protection_plan",
         "previous_plans", 3),
        ("<NumberOfPreviousCPP>0</NumberOfPreviousCPP>", "", "protection_plan",
         "previous_plans", None),
        ("<InitialCategoryOfAbuse>NEG", "<InitialCategoryOfAbuse>XYZ", "protection_plan",
         "initial_category", "XYZ"),
        ("<CINdetails>", "<CINdetails><CINdetailsID>1</CINdetailsID>", "cin_episode",
         "referral_source", "2A"),
        ("<ReferralNFA>false</ReferralNFA>",
         "<ReferralNFA>false</ReferralNFA><PreProceedingsandFGDM><PPStartDate>2024-09-09"
         "</PPStartDate></PreProceedingsandFGDM>", "cin_episode", "referral_nfa", False),
    ],
)  # fmt: skip
def test_schema_variants_since_2021(tmp_path, old, new, table, column, value):
    result = parse(write(tmp_path, hand_with(old, new)))
    assert result.problems == []
    assert result.frames[table][column][0] == value


def test_a_missing_disabilities_list_and_category_are_kept_as_missing(tmp_path):
    text = hand_with(DISABILITIES, "").replace(
        "<LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>", ""
    )
    frames = parse(write(tmp_path, text)).frames
    assert frames["child"]["disabilities"].to_list() == [None, None]
    assert frames["protection_plan"]["latest_category"].to_list() == [None]


# All or nothing, and supersession -----------------------------------------------------


@pytest.mark.django_db
def test_a_bad_census_with_a_good_one_imports_neither(authority, tmp_path):
    good = write(tmp_path, HAND, "good.xml")
    bad = write(tmp_path, BAD_DATE[0], "bad.xml")
    result = import_files(authority=authority, files=[("good.xml", good), ("bad.xml", bad)])
    assert not result.accepted
    assert [problem.file for problem in result.problems] == ["bad.xml"]
    assert all(not names for names in state().values())
    assert ImportRun.objects.filter(outcome="rejected").count() == 2


@pytest.mark.django_db
def test_a_corrected_census_of_the_same_year_replaces_the_first(authority, tmp_path):
    import_files(authority=authority, files=[("first.xml", write(tmp_path, HAND, "first.xml"))])
    second = HAND[: HAND.index("    <Child>\n      <ChildIdentifiers>\n        <LAchildID>C2")]
    second += HAND[HAND.index("  </Children>") :]
    result = import_files(
        authority=authority, files=[("second.xml", write(tmp_path, second, "second.xml"))]
    )
    assert result.accepted
    held = state()
    # Children are kept (other sources may hold them); C2's episode and what hung on it go.
    assert held["child"] == ["C1", "C2"]
    assert held["cin_episode"] == [C1_EPISODE]
    assert held["cin_plan"] == []
    assert held["conference"] == ["C1/icpc/2024-05-20", "C1/review/2024-08-19",
                                  "C1/review/2025-02-17"]  # fmt: skip


@pytest.mark.django_db
def test_what_the_census_does_not_carry_is_left_as_another_source_recorded_it(authority, tmp_path):
    # e.g. an Annex A workbook, with the same derived refs: a team for C1's episode and
    # an initial conference of C2 that started no plan.
    facts_load(
        authority=authority,
        frames={
            "team": pl.DataFrame({"ref": ["T1"], "name": ["North"]}),
            "child": pl.DataFrame({"ref": ["C1", "C2"]}),
            "cin_episode": pl.DataFrame({"ref": [C1_EPISODE], "child": ["C1"], "team": ["T1"]}),
            "conference": pl.DataFrame(
                {
                    "ref": ["C2/icpc/2025-02-03"],
                    "child": ["C2"],
                    "kind": ["initial"],
                    "outcome": ["no_plan"],
                }
            ),
        },
    )
    result = import_files(authority=authority, files=[("hand.xml", write(tmp_path, HAND))])
    assert result.accepted, messages(result)
    held = fact_frames(authority=authority, tables=("cin_episode", "conference"))
    episodes = held["cin_episode"].sort("ref")
    assert episodes.select("ref", "referral_source", "team").rows() == [
        (C1_EPISODE, "2A", "T1"),
        (C2_EPISODE, "3B", None),
    ]
    initial = held["conference"].filter(pl.col("kind") == "initial").sort("ref")
    assert initial.select("ref", "outcome").rows() == [
        ("C1/icpc/2024-05-20", "plan_started"),
        ("C2/icpc/2025-02-03", "no_plan"),
    ]


# Mutated files: always a clean import or a clean rejection ---------------------------

ELEMENT_NAMES = (
    "Child", "CINdetails", "Section47", "ChildProtectionPlans", "Reviews", "CPPreviewDate",
    "LAchildID", "Sex", "GenderCurrent", "CINreferralDate", "ReferralNFA", "Disability",
    "NumberOfPreviousCPP", "Header", "ReferenceDate", "Children", "Unknown",
)  # fmt: skip
TEXTS = st.one_of(
    st.sampled_from(["", " ", "2024-05-01", "2024-02-30", "1", "0", "true", "M", "X", "-1",
                     "999999", "C1", "NEG", "x" * 120, "é", "&", "<"]),
    st.text(max_size=12),
)  # fmt: skip
MUTATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("delete"), st.integers(min_value=1)),
        st.tuples(st.just("duplicate"), st.integers(min_value=1)),
        st.tuples(st.just("text"), st.integers(min_value=1), TEXTS),
        st.tuples(st.just("tail"), st.integers(min_value=1), TEXTS),
        st.tuples(st.just("rename"), st.integers(min_value=1), st.sampled_from(ELEMENT_NAMES)),
        st.tuples(st.just("cut"), st.integers(min_value=0)),
        st.tuples(st.just("byte"), st.integers(min_value=0), st.integers(0, 255)),
    ),
    min_size=1,
    max_size=4,
)


def mutated(mutations: list[tuple]) -> bytes:
    """HAND with elements deleted, duplicated, renamed or given other text, then bytes cut
    or changed."""
    root = etree.fromstring(HAND.encode())
    cut = None
    changes = []
    for mutation in mutations:
        elements = list(root.iter())[1:]
        kind, number = mutation[0], mutation[1]
        if kind in ("cut", "byte"):
            changes.append(mutation)
            continue
        if not elements:
            continue
        element = elements[number % len(elements)]
        if kind == "delete":
            element.getparent().remove(element)
        elif kind == "duplicate":
            element.addnext(copy.deepcopy(element))
        elif kind == "text":
            element.text = "".join(c for c in mutation[2] if c.isprintable())
        elif kind == "tail":
            element.tail = "".join(c for c in mutation[2] if c.isprintable())
        else:
            element.tag = mutation[2]
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    for kind, number, *rest in changes:
        if kind == "cut":
            cut = number % (len(data) + 1)
            data = data[:cut]
        elif data:
            position = number % len(data)
            data = data[:position] + bytes([rest[0]]) + data[position + 1 :]
    return data


@pytest.mark.fuzz
@FUZZ
@given(mutations=MUTATIONS)
def test_a_mutated_file_parses_to_frames_or_to_problems_never_an_exception(
    mutations, tmp_path_factory
):
    path = tmp_path_factory.mktemp("fuzz") / "census.xml"
    path.write_bytes(mutated(mutations))
    result = parse(path)
    if result.problems:
        assert result.frames == {}
        assert all(problem.file == "census.xml" and str(problem) for problem in result.problems)
    else:
        assert set(result.frames) == set(HAND_FRAMES)
        assert result.frames["child"]["ref"].is_unique().all()


class _RollBack(Exception):
    pass


@pytest.mark.fuzz
@pytest.mark.django_db
@FUZZ_DATABASE
@given(mutations=MUTATIONS, seed=st.integers(0, 2**16))
def test_a_mutated_file_imports_cleanly_or_is_rejected_cleanly(
    authority, tmp_path, mutations, seed
):
    path = tmp_path / f"census-{seed}.xml"
    path.write_bytes(mutated(mutations))
    if not ImportRun.objects.exists():  # records held before, kept for every example
        import_files(authority=authority, files=[("held.xml", SAMPLES / "CIN_Census_2024.xml")])
    try:
        with transaction.atomic():
            before = state()
            result = import_files(authority=authority, files=[("census.xml", path)])
            if result.accepted:
                (outcome,) = result.files
                assert outcome.outcome in ("accepted", "unchanged")
                assert ImportRun.objects.get(pk=outcome.run_id).outcome == outcome.outcome
            else:
                assert result.problems
                assert state() == before
            raise _RollBack
    except _RollBack:
        pass
