"""The CIN census writer: which children and records a census holds, the two schemas, and
round trips (frames to XML, imported, read back) on hand-built and generated frames."""

from collections import Counter
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from lxml import etree

from cpqa.casework.schema import empty_frame
from cpqa.casework.selectors import fact_frames
from cpqa.ingest.formats.cin_census import census_year
from cpqa.ingest.services import import_files
from cpqa.ingest.writers.cin_census import cin_census_write
from cpqa.synthetic.generator import authority_generate
from tests.core.factories import AuthorityFactory
from tests.ingest.test_cin_census import HAND_COLUMNS, HAND_FRAMES, parse

D = date
REFERENCE = D(2025, 3, 31)
CREATED = datetime(2025, 4, 30, 9, 0)
TABLES = tuple(HAND_FRAMES)


def frame(table: str, records: list[tuple]) -> pl.DataFrame:
    """A canonical frame from records given in the column order of the importer's frames."""
    columns = HAND_COLUMNS[table]
    schema = empty_frame(table).schema
    data = pl.DataFrame(records, schema={c: schema[c] for c in columns}, orient="row")
    return pl.concat([empty_frame(table), data], how="diagonal_relaxed").select(schema.names())


def hand_frames(**extra: list[tuple]) -> dict[str, pl.DataFrame]:
    return {table: frame(table, HAND_FRAMES[table] + extra.get(table, [])) for table in TABLES}


# Children and episodes outside the census year, which a census of it leaves out.
OUTSIDE = {
    "child": [
        ("C3", D(2010, 1, 1), None, "M", "WBRI", None, None),
        ("C4", D(2012, 1, 1), None, "M", "WBRI", None, None),
        ("C5", D(2013, 1, 1), None, "F", "WBRI", None, None),
    ],
    "cin_episode": [
        # closed the day before the year began; referred the day after it ended
        ("C3/cin/2023-06-01", "C3", D(2023, 6, 1), "6", "N1", False, D(2024, 3, 31), "RC7"),
        ("C4/cin/2025-04-01", "C4", D(2025, 4, 1), "6", "N1", False, None, None),
        # C1's earlier episode, closed before the year: not in the census, nor its enquiry
        ("C1/cin/2022-01-10", "C1", D(2022, 1, 10), "6", "N1", False, D(2022, 5, 1), "RC7"),
    ],
    "section47": [
        ("C1/s47/2022-01-11", "C1", "C1/cin/2022-01-10", D(2022, 1, 11), None, None, True),
    ],
}


@pytest.fixture
def authority(db):
    """The authority the files written here say they come from (la_code 999)."""
    return AuthorityFactory(code="999")


def test_a_census_holds_the_children_with_an_episode_open_in_the_year(tmp_path):
    path = tmp_path / "census.xml"
    written = cin_census_write(
        frames=hand_frames(**OUTSIDE), reference_date=REFERENCE, path=path, la_code="999"
    )
    assert written == 2
    root = etree.parse(str(path)).getroot()
    assert root.xpath("Children/Child/ChildIdentifiers/LAchildID/text()") == ["C1", "C2"]
    assert root.xpath("Children/Child[1]/CINdetails/CINreferralDate/text()") == ["2024-05-01"]
    assert root.xpath("//S47ActualStartDate/text()") == ["2024-05-03"]
    assert root.xpath("Header/CollectionDetails/ReferenceDate/text()") == ["2025-03-31"]
    assert root.xpath("Header/Source/LEA/text()") == ["999"]


def test_an_episode_open_on_the_first_or_last_day_of_the_year_is_in_it(tmp_path):
    start, end = census_year(reference_date=REFERENCE)
    frames = hand_frames()
    frames["cin_episode"] = frames["cin_episode"].with_columns(
        pl.Series("referral_date", [D(2020, 1, 1), end]),
        pl.Series("closure_date", [start, None]),
    )
    path = tmp_path / "census.xml"
    assert cin_census_write(frames=frames, reference_date=REFERENCE, path=path, la_code="1") == 2


@pytest.mark.django_db
def test_hand_built_frames_round_trip_through_the_file_and_the_database(authority, tmp_path):
    path = tmp_path / "census.xml"
    cin_census_write(
        frames=hand_frames(**OUTSIDE), reference_date=REFERENCE, path=path, la_code="999"
    )
    result = import_files(authority=authority, files=[("census.xml", path)])
    assert result.accepted, [str(p) for p in result.problems]
    held = fact_frames(authority=authority, tables=TABLES)
    for table in TABLES:
        expected = hand_frames()[table]
        found = held[table].select(expected.columns).rows()
        assert sorted(found, key=str) == sorted(expected.rows(), key=str), table


@pytest.mark.parametrize(
    "schema, sex_element, codes, booleans",
    [("2024", "Sex", ["F", "U"], ["false", "false", "false"]),
     ("2021", "GenderCurrent", ["2", "0"], ["0", "0", "0"])],
)  # fmt: skip
def test_the_two_schemas(tmp_path, schema, sex_element, codes, booleans):
    path = tmp_path / "census.xml"
    cin_census_write(
        frames=hand_frames(), reference_date=REFERENCE, path=path, la_code="999", schema=schema
    )
    root = etree.parse(str(path)).getroot()
    assert root.xpath(f"//ChildIdentifiers/{sex_element}/text()") == codes
    assert root.xpath("//ReferralNFA/text() | //ICPCnotRequired/text()") == booleans
    other = "GenderCurrent" if sex_element == "Sex" else "Sex"
    assert root.xpath(f"//{other}") == []
    assert parse(path).frames["child"]["sex"].to_list() == ["F", "U"]


def test_elements_are_written_in_the_order_of_the_census_schema(tmp_path):
    path = tmp_path / "census.xml"
    cin_census_write(frames=hand_frames(), reference_date=REFERENCE, path=path, la_code="999")
    root = etree.parse(str(path)).getroot()
    details = [element.tag for element in root.find("Children/Child/CINdetails")]
    assert details == [
        "CINreferralDate", "ReferralSource", "PrimaryNeedCode", "Assessments", "Section47",
        "ReferralNFA", "ChildProtectionPlans",
    ]  # fmt: skip
    plan = [element.tag for element in root.find(".//ChildProtectionPlans")]
    assert plan == [
        "CPPstartDate", "InitialCategoryOfAbuse", "LatestCategoryOfAbuse", "NumberOfPreviousCPP",
        "Reviews",
    ]  # fmt: skip
    assert root.xpath("//Reviews/CPPreviewDate/text()") == ["2024-08-19", "2025-02-17"]
    assert root.xpath("//Child[2]/CINdetails/DateOfInitialCPC/text()") == ["2025-02-03"]


def test_episodes_and_their_records_are_written_in_date_order_under_their_episode(tmp_path):
    # A later episode of C1 comes first in the frames, with an assessment and an enquiry.
    later = "C1/cin/2025-01-20"
    frames = hand_frames()
    for table, record in (
        ("cin_episode", (later, "C1", D(2025, 1, 20), "6", "N4", False, None, None)),
        ("assessment", ("C1/assessment/2025-01-21", later, "C1", D(2025, 1, 21), None, None)),
        ("section47", ("C1/s47/2025-01-22", "C1", later, D(2025, 1, 22), None, None, True)),
        ("section47", ("C1/s47/2025-01-21", "C1", later, D(2025, 1, 21), None, None, True)),
    ):
        frames[table] = pl.concat([frame(table, [record]), frames[table]])
    path = tmp_path / "census.xml"
    cin_census_write(frames=frames, reference_date=REFERENCE, path=path, la_code="9")
    child = etree.parse(str(path)).getroot().find("Children/Child")
    assert [details.findtext("CINreferralDate") for details in child.iter("CINdetails")] == [
        "2024-05-01",
        "2025-01-20",
    ]
    first, second = child.iter("CINdetails")
    assert first.xpath("Assessments/AssessmentActualStartDate/text()") == ["2024-05-02"]
    assert second.xpath("Assessments/AssessmentActualStartDate/text()") == ["2025-01-21"]
    assert second.xpath("Section47/S47ActualStartDate/text()") == ["2025-01-21", "2025-01-22"]
    assert first.xpath("Section47/S47ActualStartDate/text()") == ["2024-05-03"]


def test_the_same_frames_write_the_same_bytes(tmp_path):
    first, second = tmp_path / "a.xml", tmp_path / "b.xml"
    for path in (first, second):
        cin_census_write(
            frames=hand_frames(), reference_date=REFERENCE, path=path, la_code="9", created=CREATED
        )
    assert first.read_bytes() == second.read_bytes()
    assert b"<DateTime>2025-04-30T09:00:00</DateTime>" in first.read_bytes()


def test_an_unknown_schema_is_refused(tmp_path):
    with pytest.raises(ValueError, match="schema must be 2024 or 2021"):
        cin_census_write(
            frames=hand_frames(), reference_date=REFERENCE, path=tmp_path / "x.xml", la_code="9",
            schema="2019",  # type: ignore[arg-type]
        )  # fmt: skip


# A generated authority ------------------------------------------------------------------


def census_facts(frames: dict[str, pl.DataFrame], reference_date: date) -> dict[str, Counter]:
    """What a census of the year carries, as multisets of tuples that name each record by
    its child and dates (the generator's refs are not the importer's)."""
    start, end = census_year(reference_date=reference_date)
    episodes = frames["cin_episode"].filter(
        pl.col("referral_date").is_not_null()
        & (pl.col("referral_date") <= end)
        & (pl.col("closure_date").is_null() | (pl.col("closure_date") >= start))
    )
    referral = episodes.select(pl.col("ref").alias("episode"), pl.col("referral_date").alias("e"))

    def in_episodes(table: str) -> pl.DataFrame:
        return frames[table].join(referral, on="episode", how="inner")

    enquiries = in_episodes("section47")
    plans = in_episodes("protection_plan")
    s47_start = enquiries.select(pl.col("ref").alias("section47"), pl.col("start_date").alias("s"))
    plan_start = plans.select(pl.col("ref").alias("plan"), pl.col("start_date").alias("p"))
    conferences = frames["conference"].filter(pl.col("date_held").is_not_null())
    initial = (
        conferences.filter(pl.col("kind") == "initial")
        .join(s47_start, on="section47", how="inner")
        .join(plan_start, on="plan", how="left")
    )
    reviews = conferences.filter(pl.col("kind") == "review").join(plan_start, on="plan")
    children = frames["child"].filter(pl.col("ref").is_in(episodes["child"].implode()))

    def bag(frame: pl.DataFrame, *columns: str) -> Counter:
        return Counter(
            frame.select(
                pl.col(c).replace("", None) if frame.schema[c] == pl.String else pl.col(c)
                for c in columns
            ).rows()
        )

    return {
        "child": bag(children, "ref", "date_of_birth", "expected_date_of_birth", "sex",
                     "ethnicity", "disabilities", "date_of_death"),
        "cin_episode": bag(episodes, "child", "referral_date", "referral_source", "primary_need",
                           "referral_nfa", "closure_date", "closure_reason"),
        "assessment": bag(in_episodes("assessment"), "child", "e", "start_date",
                          "authorisation_date", "factors"),
        "cin_plan": bag(in_episodes("cin_plan"), "child", "e", "start_date", "end_date"),
        "section47": bag(enquiries, "child", "e", "start_date", "icpc_target_date",
                         "icpc_not_required"),
        "protection_plan": bag(plans, "child", "e", "start_date", "end_date",
                               "initial_category", "latest_category", "previous_plans"),
        "initial": bag(initial, "child", "s", "date_held", "p"),
        "review": bag(reviews, "child", "p", "date_held"),
    }  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("schema", ["2024", "2021"])
def test_a_generated_authority_round_trips(authority, tmp_path, schema):
    generated = authority_generate(seed=7, scale=0.05, end=REFERENCE)
    path = tmp_path / "census.xml"
    written = cin_census_write(
        frames=generated, reference_date=REFERENCE, path=path, la_code="999", schema=schema
    )
    result = import_files(authority=authority, files=[("census.xml", path)])
    assert result.accepted, [str(p) for p in result.problems[:5]]
    held = fact_frames(authority=authority, tables=TABLES)
    expected = census_facts(generated, REFERENCE)
    found = census_facts(held, REFERENCE)
    assert written == sum(expected["child"].values()) == held["child"].height
    # Enough of everything for the comparison to mean something.
    assert all(sum(bag.values()) >= 5 for bag in expected.values()), {
        name: sum(bag.values()) for name, bag in expected.items()
    }
    for name in expected:
        assert found[name] == expected[name], name


def test_missing_frames_are_taken_as_empty(tmp_path):
    frames = {name: f for name, f in hand_frames().items() if name in ("child", "cin_episode")}
    path = tmp_path / "census.xml"
    assert cin_census_write(frames=frames, reference_date=REFERENCE, path=path, la_code="9") == 2
    parsed = parse(Path(path))
    assert parsed.problems == []
    assert parsed.frames["section47"].height == 0
