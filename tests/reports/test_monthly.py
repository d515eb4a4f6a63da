"""The monthly management information on the hand-built authority (conftest.py), by hand."""

import pytest

from cpqa.accounts.models import AccessLogEntry
from cpqa.accounts.roles import Role
from cpqa.reports.builders import report_for_operator, report_for_user
from cpqa.reports.builders.monthly import LOW_ATTENDANCE_PERCENT

from .conftest import SEPTEMBER, TODAY
from .helpers import all_text, headers, row, table, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(loaded):
    return report_for_operator(
        name="monthly", period=SEPTEMBER, authority=loaded, operator="tester", today=TODAY
    )


def test_the_heading_facts(report):
    assert report.title == "Monthly management information"
    assert report.period.label == "September 2025"
    assert report.as_at_text == "30 September 2025"  # K2 and P-N2, the latest activity
    assert [source.file_name for source in report.sources] == ["fenshire.xlsx"]
    assert report.produced_for == "the operator at the command line (tester)"
    assert report.child_refs == []  # aggregates only


def test_the_standards_against_the_previous_month(report):
    standards = table(report, "Standards")
    assert headers(standards)[2:4] == ["Sep 2025", "Aug 2025"]
    # Target, September (rated), August, teams green, amber, red.
    assert row(standards, "Initial conferences held on time") == [
        "85.0%",
        "66.7% red",
        "no value",
        "1",
        "0",
        "1",
    ]
    assert row(standards, "Conference decisions shared on time")[1] == "66.7% red"
    # P-N0 is the only plan open 3 months or more; its review of 20 May was in time.
    assert row(standards, "Plans reviewed on time")[1:3] == ["100.0% green", "100.0% green"]


def test_the_register(report):
    register = table(report, "Register")
    assert row(register, "Whole authority")[:4] == ["2", "3", "1", "4"]
    assert row(register, "North")[:4] == ["1", "2", "0", "3"]
    assert row(register, "South")[:4] == ["1", "1", "1", "1"]
    categories = table(report, "Plans by category")
    assert texts(categories)[:3] == [
        ["Neglect", "1"],
        ["Physical abuse", "1"],
        ["Sexual abuse", "0"],
    ]
    by_team = table(report, "Plans by category by team")
    assert by_team.workbook_only
    assert headers(by_team)[1:3] == ["Neglect", "Physical abuse"]
    assert row(by_team, "North") == ["1", "0", "0", "1", "0", "0"]  # NEG, EMO
    assert row(by_team, "South") == ["0", "1", "0", "0", "0", "0"]  # PHY
    # P-S0: 2 June to 15 September, more than 3 and up to 6 months.
    assert row(table(report, "Plans ended by length"), "3 to 6 months") == ["100.0%"]
    ended = table(report, "Plans ended by length by team")
    assert row(ended, "South")[:3] == ["1", "0.0%", "100.0%"]
    # 4 children on a plan per 10,000 children of 10,000: 4.0.
    assert "Children on a plan per 10,000 children at the end of the period: 4.0" in all_text(
        report
    )


def test_conference_timescales_by_team(report):
    timescales = table(report, "Conference timescales")
    assert headers(timescales)[1:4] == [
        "Enquiries started",
        "Initial conferences",
        "Initial conference in 15 working days",
    ]
    whole = row(timescales, "Whole authority")
    assert whole[:3] == ["3", "3", "66.7% red"]
    assert whole[5] == "66.7% red"  # decisions: K1 and K3 in time, K2 three days late
    assert row(timescales, "North")[:3] == ["2", "2", "50.0% red"]
    assert row(timescales, "South")[:3] == ["1", "1", "100.0% green"]
    assert whole[7] == "66.7% red"  # quorate: K1 and K3, not K2
    assert row(table(report, "Parents at conferences"), "Whole authority")[0] == "66.7%"
    assert "Conferences attended by parents: 66.7%" in all_text(report)


def test_attendance_by_agency_with_the_reasons_for_low_attendance(report):
    assert LOW_ATTENDANCE_PERCENT == 75
    attendance = table(report, "Attendance by agency")
    assert row(attendance, "Police") == [
        "3",
        "2",
        "66.7%",
        "0.0%",
        "Low",
        "Not invited in time (1)",
    ]
    assert row(attendance, "Health visitor")[:5] == ["2", "0", "0.0%", "0.0%", "Low"]
    assert row(attendance, "Health visitor")[5] == "Clash with another meeting (2)"
    assert row(attendance, "School or education")[:5] == ["2", "2", "100.0%", "0.0%", ""]
    assert texts(table(report, "Reasons for low attendance")) == [
        ["Police", "Not invited in time", "1"],
        ["Health visitor", "Clash with another meeting", "2"],
    ]


def test_unallocated_children_and_completeness(report):
    unallocated = table(report, "Unallocated")
    assert headers(unallocated)[1:5] == ["Children", "Risk: low", "Risk: medium", "Risk: high"]
    # N0 (North, high, 8 days, others involved) and S1 (South, low, 5 days).
    assert row(unallocated, "Whole authority") == ["2", "1", "0", "1", "0", "6.5 days", "50.0%"]
    assert row(unallocated, "North") == ["1", "0", "0", "1", "0", "8.0 days", "100.0%"]
    completeness = table(report, "Data completeness")
    # Minutes recorded for K1 and K3, not K2.
    assert row(completeness, "Whole authority")[1] == "66.7%"


def test_every_figure_is_in_the_workbook_only_table(report):
    figures = table(report, "All figures")
    assert figures.workbook_only
    rows = [r for r in texts(figures) if r[0] == "icpc_within_15_working_days"]
    assert [(r[2], r[6], r[7], r[8], r[9]) for r in rows] == [
        ("Whole authority", "2", "3", "66.7% red", "red"),
        ("North", "1", "2", "50.0% red", "red"),
        ("South", "1", "1", "100.0% green", "green"),
    ]


def test_a_team_manager_sees_the_authority_and_their_team(loaded, teams, make_user):
    manager = make_user(Role.TEAM_MANAGER, teams=[teams["North"]])
    report = report_for_user(
        user=manager, name="monthly", period=SEPTEMBER, via="/reports/monthly/", today=TODAY
    )
    assert [r[0] for r in texts(table(report, "Register"))] == ["Whole authority", "North"]
    assert "South" not in {r[2] for r in texts(table(report, "All figures"))}
    assert "your teams (North)" in report.summary[0]
    assert AccessLogEntry.objects.count() == 0  # no child is named


def test_every_indicator_has_its_place(report):
    assert "other" not in [section.key for section in report.sections]
