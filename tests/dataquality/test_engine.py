import dataclasses
from datetime import date

import polars as pl
import pytest

from cpqa.dataquality.engine import (
    FAILED,
    NOT_RUN,
    RAN,
    census_view,
    census_year_end,
    data_as_at,
    findings_attribute,
    reference_date_default,
    rules_run,
)
from cpqa.dataquality.rules import base
from tests.dataquality.frames import CONTEXT, frames


def test_a_rule_whose_tables_are_absent_is_not_run_and_the_others_are():
    result = rules_run(
        frames=frames(
            protection_plan=[
                {"ref": "P1", "child": "C1", "start_date": "2024-06-01", "end_date": "2024-06-01"}
            ]
        ),
        context=CONTEXT,
    )
    assert result.outcomes["8840"].status == RAN
    assert result.outcomes["8840"].count == 1
    assert result.outcomes["1104"].status == NOT_RUN
    assert result.outcomes["1104"].note == "Not run: no conference, cin_episode data."
    row = result.findings.filter(pl.col("rule") == "8840").row(0, named=True)
    assert row["severity"] == "error"
    assert row["message"] == "Child Protection Plan cannot start and end on the same day"


def test_a_rule_that_raises_is_reported_as_failed_and_does_not_stop_the_others(monkeypatch):
    def broken(frames, context):
        raise ZeroDivisionError("division by zero")

    rule = base.registry()["8840"]
    monkeypatch.setitem(base._REGISTRY, "8840", dataclasses.replace(rule, check=broken))
    result = rules_run(
        frames=frames(
            protection_plan=[{"ref": "P1", "child": "C1", "start_date": None, "end_date": None}]
        ),
        context=CONTEXT,
        codes=["8840", "8720"],
    )
    assert set(result.outcomes) == {"8840", "8720"}
    assert result.outcomes["8840"].status == FAILED
    assert result.outcomes["8840"].note == "Failed to run: ZeroDivisionError: division by zero"
    assert result.outcomes["8720"].status == RAN
    assert result.findings["rule"].to_list() == ["8720"]


@pytest.mark.parametrize(
    ("day", "end"),
    [
        (date(2025, 3, 31), date(2025, 3, 31)),
        (date(2025, 4, 1), date(2026, 3, 31)),
        (date(2024, 11, 26), date(2025, 3, 31)),
        (date(2025, 1, 1), date(2025, 3, 31)),
    ],
)
def test_the_census_year_of_a_day_ends_on_the_next_31_march(day, end):
    assert census_year_end(day) == end


def test_the_data_stands_at_its_latest_activity_up_to_today():
    data = frames(
        protection_plan=[{"ref": "P1", "child": "C1", "start_date": "2025-03-31"}],
        conference=[
            {"ref": "CF1", "child": "C1", "kind": "review", "date_held": "2025-02-01"},
            {"ref": "CF2", "child": "C1", "kind": "review", "date_held": "2031-01-01"},
        ],
    )
    # A date after today (a typing error) does not move the census year.
    assert data_as_at(frames=data, today=date(2026, 1, 1)) == date(2025, 3, 31)
    assert reference_date_default(frames=data, today=date(2026, 1, 1)) == date(2025, 3, 31)
    data["section47"] = frames(
        section47=[{"ref": "S1", "child": "C1", "start_date": "2025-04-01"}]
    )["section47"]
    assert reference_date_default(frames=data, today=date(2026, 1, 1)) == date(2026, 3, 31)
    assert data_as_at(frames={}, today=date(2026, 1, 1)) == date(2026, 1, 1)


def view(**tables):
    return census_view(frames=frames(**tables), context=CONTEXT, as_at=date(2025, 3, 31))


def test_the_census_view_keeps_what_was_open_in_the_year_as_it_stood_on_the_reference_date():
    plans = view(
        protection_plan=[
            {"ref": "P1", "child": "C", "start_date": "2023-05-01", "end_date": "2024-03-31"},
            {"ref": "P2", "child": "C", "start_date": "2023-05-01", "end_date": "2024-04-01"},
            {"ref": "P3", "child": "C", "start_date": "2025-03-31", "end_date": "2025-05-01"},
            {"ref": "P4", "child": "C", "start_date": "2025-04-01"},
            {"ref": "P5", "child": "C", "start_date": None, "end_date": None},
        ]
    )["protection_plan"]
    # P1 ended before the year; P4 started after it; P3 was still open on 31 March.
    assert dict(zip(plans["ref"], plans["end_date"], strict=True)) == {
        "P2": date(2024, 4, 1),
        "P3": None,
        "P5": None,
    }


def test_the_census_view_keeps_enquiries_started_in_the_year_or_concluded_in_it():
    enquiries = view(
        section47=[
            {"ref": "S1", "child": "C", "start_date": "2024-03-20", "end_date": "2024-03-28"},
            {"ref": "S2", "child": "C", "start_date": "2024-03-20", "end_date": "2024-04-02"},
            {"ref": "S3", "child": "C", "start_date": "2024-03-20"},
            {"ref": "S4", "child": "C", "start_date": "2024-03-20"},
            {"ref": "S5", "child": "C", "start_date": "2024-04-01", "end_date": "2024-03-01"},
            {"ref": "S6", "child": "C", "start_date": "2025-04-01"},
        ],
        conference=[
            {"ref": "CF3", "child": "C", "kind": "initial", "section47": "S3",
             "date_held": "2024-03-28"},
            {"ref": "CF4", "child": "C", "kind": "initial", "section47": "S4",
             "date_held": "2024-04-01"},
        ],
    )  # fmt: skip
    # S1 ended before the year and S3 held its conference before it; S6 started after it.
    assert sorted(enquiries["section47"]["ref"]) == ["S2", "S4", "S5"]
    assert enquiries["conference"]["ref"].to_list() == ["CF4"]


def test_the_census_view_keeps_reviews_of_the_year_and_those_due_with_no_date():
    conferences = census_view(
        frames=frames(
            protection_plan=[{"ref": "P1", "child": "C", "start_date": "2024-01-10"}],
            conference=[
                {"ref": "R1", "child": "C", "kind": "review", "plan": "P1",
                 "date_held": "2024-03-30"},
                {"ref": "R2", "child": "C", "kind": "review", "plan": "P1",
                 "date_held": "2024-04-01"},
                {"ref": "R3", "child": "C", "kind": "review", "plan": "P1",
                 "target_date": "2024-12-01"},
                {"ref": "R4", "child": "C", "kind": "review", "plan": "P1",
                 "target_date": "2025-01-10"},
                {"ref": "R5", "child": "C", "kind": "review", "plan": "P1",
                 "date_held": "2025-04-01"},
            ],
        ),
        context=CONTEXT,
        as_at=date(2025, 1, 1),
    )["conference"]  # fmt: skip
    # R4 is not due until after the day the data stands at.
    assert sorted(conferences["ref"]) == ["R2", "R3"]


def test_the_census_view_blanks_a_death_after_the_reference_date():
    children = view(
        child=[
            {"ref": "C1", "date_of_death": "2025-03-31"},
            {"ref": "C2", "date_of_death": "2025-04-01"},
        ]
    )["child"]
    assert children["date_of_death"].to_list() == [date(2025, 3, 31), None]


def test_findings_take_the_records_team_and_the_worker_allocated_that_day():
    data = frames(
        child=[{"ref": "C1", "team": "T9"}, {"ref": "C2", "team": "T9"}],
        section47=[
            {"ref": "S1", "child": "C1", "start_date": "2024-06-10", "team": "T1",
             "worker": "W1"},
            {"ref": "S2", "child": "C2", "start_date": "2024-06-10", "team": None,
             "worker": "W1"},
        ],
        involvement=[
            {"ref": "I1", "child": "C1", "professional": "W2", "start_date": "2024-01-01",
             "end_date": "2024-06-10"},
            {"ref": "I2", "child": "C1", "professional": "W3", "start_date": "2024-06-11"},
            {"ref": "I3", "child": "C2", "professional": "W4", "start_date": "2024-01-01",
             "end_date": "2024-06-09"},
        ],
    )  # fmt: skip
    findings = pl.DataFrame(
        {
            "child": ["C1", "C2", None],
            "table": ["section47", "section47", "protection_plan"],
            "ref": ["S1", "S2", None],
        }
    )
    attributed = findings_attribute(findings, frames=data, context=CONTEXT)
    assert attributed.select("team", "worker", "child_team").rows() == [
        # I1 covers 10 June (its last day); the enquiry's own worker is not needed.
        ("T1", "W2", "T9"),
        # No team of its own: the child's. I3 ended the day before: the enquiry's worker.
        ("T9", "W1", "T9"),
        # The authority-level finding has no child, team or worker.
        (None, None, None),
    ]
