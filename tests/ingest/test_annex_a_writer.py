"""The Annex A writer: canonical frames out as Lists 5 and 7, and back in through the importer."""

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from python_calamine import CalamineWorkbook

from cpqa.casework.schema import empty_frame
from cpqa.casework.selectors import fact_frames
from cpqa.ingest.services import import_files
from cpqa.ingest.writers.annex_a import COVER_SHEET, annex_a_write

PERIOD_END = date(2025, 3, 31)  # with 12 months: 1 April 2024 to 31 March 2025


def frame(name: str, rows: list[dict]) -> pl.DataFrame:
    """A canonical frame from a few rows (columns not given are empty)."""
    schema = empty_frame(name).schema
    return pl.DataFrame(rows, schema=schema)


def hand_built() -> dict[str, pl.DataFrame]:
    """Four children: what is in the period and what is not is worked out below."""
    d = date
    return {
        "team": frame("team", [
            {"ref": "T1", "name": "North Team"},
            {"ref": "T2", "name": "South Team"},
        ]),
        "professional": frame("professional", [
            {"ref": "P1", "name": "Ann Smith", "role": "social_worker", "team": "T1"},
            {"ref": "P2", "name": "Bob Jones", "role": "social_worker", "team": "T2"},
            {"ref": "P3", "name": "Cat Brown", "role": "social_worker", "team": "T2"},
        ]),
        "child": frame("child", [
            {"ref": "C1", "date_of_birth": d(2015, 3, 1), "sex": "M", "ethnicity": "WBRI",
             "disabilities": "NONE"},
            {"ref": "C2", "date_of_birth": d(2019, 7, 14), "sex": "F", "ethnicity": "APKN",
             "disabilities": "AUT,LD"},
            # Unborn at the end of the period.
            {"ref": "C3", "expected_date_of_birth": d(2025, 5, 10), "sex": "U",
             "ethnicity": "NOBT", "disabilities": ""},
            {"ref": "C4", "date_of_birth": d(2010, 1, 1), "sex": "M", "ethnicity": "WIRI",
             "disabilities": ""},
        ]),
        "section47": frame("section47", [
            {"ref": "S1", "child": "C1", "start_date": d(2025, 1, 6), "outcome": "icpc",
             "team": "T1", "worker": "P1"},
            {"ref": "S2", "child": "C2", "start_date": d(2025, 2, 3), "icpc_not_required": True,
             "team": "T2", "worker": "P2"},
            {"ref": "S3", "child": "C4", "start_date": d(2024, 2, 1), "team": "T2",
             "worker": "P2"},  # before the period
            {"ref": "S4", "child": "C2", "start_date": d(2024, 5, 1), "icpc_not_required": True,
             "team": "T2", "worker": "P2"},
        ]),
        "protection_plan": frame("protection_plan", [
            {"ref": "CPP1", "child": "C1", "start_date": d(2025, 1, 20), "initial_category": "NEG",
             "latest_category": "EMO", "previous_plans": 0, "team": "T1"},
            {"ref": "CPP2", "child": "C3", "start_date": d(2024, 6, 1), "end_date": d(2024, 11, 20),
             "initial_category": "PHY", "latest_category": "PHY", "previous_plans": 2,
             "team": "T2"},
            {"ref": "CPP3", "child": "C2", "start_date": d(2023, 1, 1), "end_date": d(2024, 2, 1),
             "initial_category": "NEG", "latest_category": "NEG", "team": "T2"},  # ended before
            # Ends after the period: open at its end. No team: the allocation's is reported.
            {"ref": "CPP4", "child": "C4", "start_date": d(2024, 9, 1), "end_date": d(2025, 6, 30),
             "initial_category": "SAB", "latest_category": "MUL"},
        ]),
        "conference": frame("conference", [
            {"ref": "K1", "child": "C1", "kind": "initial", "section47": "S1", "plan": "CPP1",
             "date_held": d(2025, 1, 20), "outcome": "plan_started"},
            {"ref": "K2", "child": "C1", "kind": "review", "plan": "CPP1",
             "date_held": d(2025, 3, 5)},
            {"ref": "K3", "child": "C3", "kind": "review", "plan": "CPP2",
             "date_held": d(2024, 11, 20), "outcome": "plan_ended"},
            {"ref": "K4", "child": "C3", "kind": "review", "plan": "CPP2",
             "date_held": d(2024, 8, 20)},
            {"ref": "K5", "child": "C1", "kind": "review", "plan": "CPP1",
             "date_held": d(2025, 4, 15)},  # after the period
        ]),
        "visit": frame("visit", [
            {"ref": "V1", "plan": "CPP1", "child": "C1", "date": d(2025, 3, 10), "seen": True,
             "seen_alone": True, "professional": "P1"},
            {"ref": "V2", "plan": "CPP1", "child": "C1", "date": d(2025, 2, 10), "seen": True,
             "seen_alone": False},
            {"ref": "V3", "plan": "CPP2", "child": "C3", "date": d(2024, 11, 28), "seen": True,
             "seen_alone": False},
            {"ref": "V4", "plan": "CPP1", "child": "C1", "date": d(2025, 4, 2), "seen": True},
            # Not seen, so not a statutory visit; the one before it is the last.
            {"ref": "V5", "plan": "CPP4", "child": "C4", "date": d(2025, 3, 20), "seen": False,
             "seen_alone": False},
            {"ref": "V6", "plan": "CPP4", "child": "C4", "date": d(2025, 3, 1), "seen": True},
        ]),
        "involvement": frame("involvement", [
            {"ref": "I1", "child": "C1", "professional": "P1", "team": "T1",
             "start_date": d(2025, 1, 6)},
            {"ref": "I2", "child": "C3", "professional": "P3", "team": "T2",
             "start_date": d(2024, 6, 1), "end_date": d(2024, 11, 20)},
            {"ref": "I3", "child": "C4", "professional": "P2", "team": "T2",
             "start_date": d(2024, 9, 1), "end_date": d(2025, 1, 31)},
            {"ref": "I4", "child": "C4", "professional": "P3", "team": "T2",
             "start_date": d(2025, 2, 1)},
        ]),
    }  # fmt: skip


def sheet_rows(path: Path, sheet: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def test_the_workbook_has_a_cover_and_lists_5_and_7(tmp_path):
    path = tmp_path / "annex.xlsx"
    written = annex_a_write(frames=hand_built(), path=path, period_end=PERIOD_END)
    assert (written.period_start, written.period_end) == (date(2024, 4, 1), PERIOD_END)
    assert (written.list5_rows, written.list7_rows) == (3, 3)
    assert CalamineWorkbook.from_path(str(path)).sheet_names == [COVER_SHEET, "List 5", "List 7"]
    assert sheet_rows(path, COVER_SHEET)[1] == ["Period: 01/04/2024 to 31/03/2025"]
    list5 = sheet_rows(path, "List 5")
    assert list5[0][:7] == [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Does the Child have a Disability",
        "Strategy discussion initiating Section 47 Enquiry Start Date",
    ]
    # In order of start: C2's enquiry of May 2024, C1's, C2's of February 2025.
    assert [row[0] for row in list5[1:]] == ["C2", "C1", "C2"]
    assert list5[2] == [
        "C1", "a) Male", "WBRI", date(2015, 3, 1), 10.0, "b) No", date(2025, 1, 6), "b) No",
        date(2025, 1, 20), "a) Yes", 1.0, 1.0, "North Team", "Ann Smith",
    ]  # fmt: skip
    assert list5[3][:6] == ["C2", "b) Female", "APKN", date(2019, 7, 14), 5.0, "a) Yes"]
    assert list5[3][10:12] == [2.0, 0.0]  # two enquiries in the 12 months, no conference
    list7 = sheet_rows(path, "List 7")
    assert list7[0][6:13] == [
        "Child Protection Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Date of the Last Statutory Visit",
        "Was the Child Seen Alone?",
        "Date of latest review conference",
        "Child Protection Plan End Date",
    ]
    assert list7[1] == [
        "C3", "c) Not stated/recorded", "NOBT", date(2025, 5, 10), "", "", date(2024, 6, 1),
        "b) Physical abuse", "b) Physical abuse", date(2024, 11, 28), "b) No",
        date(2024, 11, 20), date(2024, 11, 20), "", 2.0, "South Team", "Cat Brown",
    ]  # fmt: skip
    assert list7[2][0] == "C4" and list7[2][6:13] == [
        date(2024, 9, 1), "c) Sexual abuse", "e) Multiple/not recommended", date(2025, 3, 1),
        "", "", "",
    ]  # fmt: skip
    assert list7[2][15:] == ["South Team", "Cat Brown"]
    assert list7[3][9:13] == [date(2025, 3, 10), "a) Yes", date(2025, 3, 5), ""]


def test_a_written_workbook_imports_back_with_the_facts_annex_a_carries(authority, tmp_path):
    path = tmp_path / "annex.xlsx"
    annex_a_write(frames=hand_built(), path=path, period_end=PERIOD_END)
    result = import_files(authority=authority, files=[("annex.xlsx", path)])
    assert result.accepted, [str(p) for p in result.problems]
    outcome = result.files[0]
    assert (outcome.period_start, outcome.period_end) == (date(2024, 4, 1), PERIOD_END)
    held = fact_frames(authority=authority)

    def rows(name, *columns):
        return sorted(held[name].select(columns).rows(), key=repr)

    d = date
    assert rows("child", "ref", "date_of_birth", "expected_date_of_birth", "sex", "ethnicity",
                "disabilities") == sorted([
        ("C1", d(2015, 3, 1), None, "M", "WBRI", "NONE"),
        ("C2", d(2019, 7, 14), None, "F", "APKN", "DDA"),  # Annex A says only "Yes"
        ("C3", None, d(2025, 5, 10), "U", "NOBT", None),
        ("C4", d(2010, 1, 1), None, "M", "WIRI", None),
    ], key=repr)  # fmt: skip
    assert rows("team", "ref", "name") == [
        ("North Team", "North Team"),
        ("South Team", "South Team"),
    ]
    assert rows("professional", "name", "team") == [
        ("Ann Smith", "North Team"),
        ("Bob Jones", "South Team"),
        ("Cat Brown", "South Team"),
    ]
    assert rows("section47", "ref", "start_date", "icpc_not_required", "team", "worker") == [
        ("C1/s47/2025-01-06", d(2025, 1, 6), False, "North Team", "Ann Smith"),
        ("C2/s47/2024-05-01", d(2024, 5, 1), True, "South Team", "Bob Jones"),
        ("C2/s47/2025-02-03", d(2025, 2, 3), True, "South Team", "Bob Jones"),
    ]
    assert rows("protection_plan", "ref", "start_date", "end_date", "initial_category",
                "latest_category", "previous_plans", "team") == [
        ("C1/cpp/2025-01-20", d(2025, 1, 20), None, "NEG", "EMO", 0, "North Team"),
        ("C3/cpp/2024-06-01", d(2024, 6, 1), d(2024, 11, 20), "PHY", "PHY", 2, "South Team"),
        ("C4/cpp/2024-09-01", d(2024, 9, 1), None, "SAB", "MUL", None, "South Team"),
    ]  # fmt: skip
    assert rows("conference", "ref", "kind", "section47", "plan", "date_held", "outcome") == [
        ("C1/icpc/2025-01-20", "initial", "C1/s47/2025-01-06", "C1/cpp/2025-01-20",
         d(2025, 1, 20), "plan_started"),
        ("C1/review/2025-03-05", "review", None, "C1/cpp/2025-01-20", d(2025, 3, 5), None),
        ("C3/review/2024-11-20", "review", None, "C3/cpp/2024-06-01", d(2024, 11, 20), None),
    ]  # fmt: skip
    assert rows("visit", "ref", "plan", "date", "seen", "seen_alone") == [
        ("C1/visit/2025-03-10", "C1/cpp/2025-01-20", d(2025, 3, 10), True, True),
        ("C3/visit/2024-11-28", "C3/cpp/2024-06-01", d(2024, 11, 28), None, False),
        ("C4/visit/2025-03-01", "C4/cpp/2024-09-01", d(2025, 3, 1), None, None),
    ]
    assert rows("involvement", "child", "professional", "team", "start_date", "end_date") == [
        ("C1", "Ann Smith", "North Team", d(2025, 1, 20), None),
        ("C3", "Cat Brown", "South Team", d(2024, 6, 1), d(2024, 11, 20)),
        ("C4", "Cat Brown", "South Team", d(2024, 9, 1), None),
    ]


def test_a_shorter_period_leaves_out_what_came_before_it(tmp_path):
    path = tmp_path / "annex.xlsx"
    written = annex_a_write(frames=hand_built(), path=path, period_end=PERIOD_END, months=6)
    assert written.period_start == date(2024, 10, 1)
    # C2's enquiry of May 2024 is out; C3's plan ended in November 2024 and stays in.
    assert [row[0] for row in sheet_rows(path, "List 5")[1:]] == ["C1", "C2"]
    assert [row[0] for row in sheet_rows(path, "List 7")[1:]] == ["C3", "C4", "C1"]


def test_missing_frames_give_empty_lists(tmp_path):
    path = tmp_path / "annex.xlsx"
    written = annex_a_write(frames={}, path=path, period_end=PERIOD_END)
    assert (written.list5_rows, written.list7_rows) == (0, 0)
    assert len(sheet_rows(path, "List 7")) == 1
    with pytest.raises(ValueError, match="months must be 1 or more"):
        annex_a_write(frames={}, path=path, period_end=PERIOD_END, months=0)


def annex_a_facts(frames: dict[str, pl.DataFrame], start: date, end: date) -> dict[str, set]:
    """What an Annex A for [start, end] says, worked out from canonical frames.

    Independent of the writer: enquiries that started in the period; plans open at any
    time in it; the children of both, with their date of birth, sex and ethnicity.
    """
    enquiries = frames["section47"].filter(pl.col("start_date").is_between(start, end))
    plans = frames["protection_plan"].filter(
        (pl.col("start_date") <= end)
        & (pl.col("end_date").is_null() | (pl.col("end_date") >= start))
    )
    children = pl.concat([enquiries.get_column("child"), plans.get_column("child")]).unique()
    child = frames["child"].filter(pl.col("ref").is_in(children.implode()))
    return {
        "enquiries": set(enquiries.select("child", "start_date").rows()),
        "plans": set(
            plans.select(
                "child",
                "start_date",
                pl.when(pl.col("end_date") <= end).then(pl.col("end_date")),
                "initial_category",
                "latest_category",
            ).rows()
        ),
        "children": set(
            child.select(
                "ref",
                pl.coalesce("date_of_birth", "expected_date_of_birth"),
                "sex",
                "ethnicity",
            ).rows()
        ),
    }


def test_a_generated_authority_goes_through_the_importer(authority, tmp_path):
    generator = pytest.importorskip("cpqa.synthetic.generator")
    frames = generator.authority_generate(seed=7, scale=0.05, end=PERIOD_END)
    path = tmp_path / "generated.xlsx"
    written = annex_a_write(frames=frames, path=path, period_end=PERIOD_END)
    assert written.list5_rows > 10 and written.list7_rows > 10
    result = import_files(authority=authority, files=[("generated.xlsx", path)])
    assert result.accepted, [str(p) for p in result.problems[:10]]
    held = fact_frames(authority=authority)
    expected = annex_a_facts(frames, written.period_start, PERIOD_END)
    back = annex_a_facts(held, written.period_start, PERIOD_END)
    assert back == expected
    assert held["section47"].height == len(expected["enquiries"])
    assert held["protection_plan"].height == len(expected["plans"])
