"""Completeness, worked by hand: the data stands at Monday 31 March 2025."""

from datetime import date

import polars as pl
import pytest

from cpqa.dataquality.completeness import (
    BY_MONTH,
    BY_WORKER,
    ITEMS,
    completeness_attributed,
    completeness_counts,
    completeness_percent,
    completeness_records,
)
from tests.dataquality.frames import frames

AS_AT = date(2025, 3, 31)


def conference(ref, kind, held, plan=None, **extra):
    return {"ref": ref, "child": "C1", "kind": kind, "plan": plan, "date_held": held, **extra}


DATA = frames(
    child=[{"ref": "C1", "team": "T1"}],
    section47=[
        {"ref": "S1", "child": "C1", "start_date": "2024-05-20", "outcome": "icpc",
         "team": "T1", "worker": "W1"},
        {"ref": "S2", "child": "C1", "start_date": None, "end_date": "2024-05-10",
         "outcome": "nfa", "team": "T1", "worker": "W1"},
        {"ref": "S3", "child": "C1", "start_date": "2024-06-10", "outcome": "icpc",
         "icpc_target_date": "2024-07-01", "team": "T1", "worker": "W2"},
        {"ref": "S4", "child": "C1", "start_date": "2025-03-20", "outcome": "icpc",
         "icpc_target_date": "2025-04-10", "team": "T1", "worker": "W2"},
        {"ref": "S5", "child": "C1", "start_date": "2024-08-10", "team": "T1", "worker": "W2"},
    ],
    protection_plan=[
        {"ref": "P1", "child": "C1", "start_date": "2024-06-01", "team": "T1"},
        {"ref": "P2", "child": "C1", "start_date": "2024-12-31", "team": "T1"},
        {"ref": "P3", "child": "C1", "start_date": "2024-12-30", "team": "T1"},
        {"ref": "P4", "child": "C1", "start_date": "2024-01-10", "end_date": "2024-03-01",
         "team": "T1"},
        {"ref": "P5", "child": "C1", "start_date": "2024-01-10", "end_date": "2024-06-01",
         "team": "T1"},
    ],
    conference=[
        conference("CF1", "initial", "2024-06-01", "P1", section47="S1",
                   decision_published="2024-06-02", minutes_published="2024-06-20"),
        conference("CF2", "review", "2025-03-28", "P1"),  # 1 working day ago
        conference("CF3", "review", "2025-03-31", "P1"),  # today: nothing due yet
        conference("CF4", "review", "2025-02-28", "P1", decision_published="2025-03-01"),
        conference("CF5", "initial", None, section47="S5", target_date="2024-09-01"),
        conference("CF6", "review", "2025-03-03", "P1", decision_published="2025-03-04",
                   minutes_published="2025-03-20"),  # exactly 20 working days ago
        conference("CF7", "review", "2025-03-04", "P1", decision_published="2025-03-05"),
        conference("R8", "review", None, "P1", target_date="2025-03-20"),
        conference("R9", "review", None, "P1", target_date="2025-04-15"),
        conference("R10", "review", None, "P5"),
    ],
    visit=[
        {"ref": "V1", "child": "C1", "plan": "P1", "date": "2024-06-05"},
        {"ref": "V2", "child": "C1", "plan": "P1", "date": None},
        {"ref": "V3", "child": "C1", "plan": "P1", "date": "2024-06-20"},
        {"ref": "V4", "child": "C1", "plan": "P1", "date": "2024-07-01"},
    ],
    conference_attendance=[
        {"ref": "A1", "conference": "CF1", "agency": "gp", "attended": False,
         "non_attendance_reason": "Illness"},
        {"ref": "A2", "conference": "CF1", "agency": "police", "attended": False,
         "non_attendance_reason": ""},
        {"ref": "A3", "conference": "CF1", "agency": "school", "attended": False},
        {"ref": "A4", "conference": "CF1", "agency": "housing", "attended": True},
        {"ref": "A5", "conference": "CF1", "agency": "probation", "attended": None},
        {"ref": "A6", "conference": "CF4", "agency": "gp", "attended": False,
         "non_attendance_reason": "  "},
    ],
    involvement=[],
)  # fmt: skip


@pytest.fixture(scope="module")
def records() -> pl.DataFrame:
    return completeness_records(frames=DATA, as_at=AS_AT, region="england")


def population(records: pl.DataFrame, item: str) -> dict[str, bool]:
    rows = records.filter(pl.col("item") == item)
    return dict(zip(rows["ref"], rows["complete"], strict=True))


def percent(records: pl.DataFrame, item: str) -> float | None:
    rows = records.filter(pl.col("item") == item)
    return completeness_percent(rows["complete"].sum(), rows.height)


def test_section_47_start_dates(records):
    assert population(records, "s47_start_date") == {
        "S1": True,
        "S2": False,
        "S3": True,
        "S4": True,
        "S5": True,
    }
    assert percent(records, "s47_start_date") == 80.0


def test_initial_conference_dates_where_one_was_held_or_should_be_once_due(records):
    # S2 ended with no further action; S4's conference is not due until 10 April.
    assert population(records, "icpc_date") == {"S1": True, "S3": False, "S5": False}
    assert percent(records, "icpc_date") == 33.3


def test_decisions_are_counted_from_one_working_day_and_minutes_from_twenty(records):
    assert population(records, "decision_published") == {
        "CF1": True,
        "CF2": False,
        "CF4": True,
        "CF6": True,
        "CF7": True,
    }
    assert percent(records, "decision_published") == 80.0
    # CF6 was 20 working days ago, CF7 19.
    assert population(records, "minutes_published") == {"CF1": True, "CF4": False, "CF6": True}
    assert percent(records, "minutes_published") == 66.7


def test_review_dates_count_reviews_due_or_with_no_target(records):
    assert population(records, "review_date") == {
        "CF2": True,
        "CF3": True,
        "CF4": True,
        "CF6": True,
        "CF7": True,
        "R8": False,
        "R10": False,
    }
    assert percent(records, "review_date") == 71.4


def test_plans_open_more_than_three_months_need_a_review_held(records):
    # P2 has been open exactly 3 months; P4 lasted less than 3 months.
    assert population(records, "plan_reviewed") == {"P1": True, "P3": False, "P5": False}
    assert percent(records, "plan_reviewed") == 33.3


def test_visit_dates_and_reasons_for_non_attendance(records):
    assert percent(records, "visit_date") == 75.0
    assert population(records, "non_attendance_reason") == {
        "A1": True,
        "A2": False,
        "A3": False,
        "A6": False,
    }
    assert percent(records, "non_attendance_reason") == 25.0


def test_every_item_has_a_population_here(records):
    assert {item.code for item in ITEMS} == set(records["item"])


def test_counts_by_worker_and_by_month():
    attributed = completeness_attributed(frames=DATA, as_at=AS_AT, region="england")
    counts = completeness_counts(attributed)
    by_worker = counts.filter(
        (pl.col("grain") == BY_WORKER) & (pl.col("item") == "s47_start_date")
    ).select("team", "worker", "total", "complete")
    assert sorted(by_worker.rows()) == [("T1", "W1", 2, 1), ("T1", "W2", 3, 3)]
    by_month = counts.filter((pl.col("grain") == BY_MONTH) & (pl.col("item") == "visit_date"))
    # The undated visit has no month: it is in the totals, not the trend.
    assert by_month.select("month", "total", "complete").rows() == [
        (date(2024, 6, 1), 2, 2),
        (date(2024, 7, 1), 1, 1),
    ]
    # Only the latest months are kept for the trend: the data's last month is
    # March 2025 (conferences), so 2 months are February and March 2025.
    recent = completeness_counts(attributed, months=2).filter(pl.col("grain") == BY_MONTH)
    assert set(recent["month"]) == {date(2025, 2, 1), date(2025, 3, 1)}


def test_percentages_round_to_one_place_and_nothing_counted_is_none():
    assert completeness_percent(2, 3) == 66.7
    assert completeness_percent(0, 0) is None
    assert completeness_percent(5, 5) == 100.0
