"""The quarterly performance report on the hand-built authority (conftest.py), by hand."""

import pytest

from cpqa.reports.builders import report_for_operator
from cpqa.reports.builders.quarterly import NO_ACTIONS, change_cell

from .conftest import QUARTER, TODAY
from .helpers import all_text, headers, row, table, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(loaded):
    return report_for_operator(
        name="quarterly", period=QUARTER, authority=loaded, operator="tester", today=TODAY
    )


def test_the_quarter_against_the_four_before_it(report):
    glance = table(report, "Against earlier periods")
    assert headers(glance)[1:6] == [
        "Q2 2024-25 (a year earlier)",
        "Q3 2024-25",
        "Q4 2024-25",
        "Q1 2025-26",
        "Q2 2025-26",
    ]
    # Enquiries: none before July 2025, then 10 + 12 + 3 = 25.
    enquiries = row(glance, "Child protection enquiries started")
    assert enquiries[:7] == ["0", "0", "0", "0", "25", "+25", "+25"]
    # On a plan at the end of each quarter: P-N0 from 3 Mar 2025; P-S0 2 Jun to 15 Sep;
    # P-N1, P-N2, P-S1 in September.
    assert row(glance, "Children on a child protection plan")[:7] == [
        "0",
        "0",
        "1",
        "2",
        "4",
        "+2",
        "+4",
    ]
    on_time = row(glance, "Initial conferences held on time")
    assert on_time[4] == "66.7% red" and on_time[7] == "85.0%"


def test_a_change_in_percentage_points():
    now = {"indicator": "icpc_within_15_working_days", "value": 66.7, "suppressed": False}
    before = {**now, "value": 80.0}
    assert change_cell(now, before).text == "-13.3 points"
    assert change_cell(now, None).text == ""


def test_signals_from_the_monthly_series(report):
    signals = texts(table(report, "Signals"))
    # Enquiries by month: 21 months of 0, then 10, 12, 3. Mean 25/24 = 1.04; the mean
    # moving range (10 + 2 + 9)/23 = 0.91; two sigma 1.04 + 2/3 x 2.66 x 0.91 = 2.66.
    # July, August and September are all beyond it: 2 of 3 near the upper limit.
    enquiries = [
        r for r in signals if r[:2] == ["Whole authority", "Child protection enquiries started"]
    ]
    assert enquiries and enquiries[0][2:4] == ["higher than usual", "July 2025"]
    # Unallocated at the end of each month: 0 for 23 months, then 2 in September, above the
    # upper limit 2/24 + 2.66 x 2/23 = 0.31: a concern, as fewer is better.
    unallocated = [r for r in signals if r[1] == "Children on a plan without a social worker"]
    assert unallocated[0][:4] == [
        "Whole authority",
        "Children on a plan without a social worker",
        "concern",
        "September 2025",
    ]
    assert "Sep 2025 is above the upper process limit" in unallocated[0][4]


def test_exceptions_are_red_ratings_and_signals_of_concern(report):
    exceptions = texts(table(report, "Exceptions"))
    assert [
        "Whole authority",
        "Initial conferences held on time",
        "66.7% red",
        "Below the amber band of the standard (target 85%)",
    ] in exceptions
    assert ["North", "Initial conferences held on time", "50.0% red"] in [r[:3] for r in exceptions]
    assert [
        "Whole authority",
        "Children on a plan without a social worker",
        "2",
        "Signal of concern: A point outside the process limits (up): Sep 2025",
    ] in exceptions
    # South's initial conference was in time: not an exception.
    assert ["South", "Initial conferences held on time"] not in [r[:2] for r in exceptions]


def test_the_actions_section_says_none_are_recorded_yet(report):
    actions = next(section for section in report.sections if section.key == "actions")
    assert actions.heading == "Actions taken against the exceptions"
    assert [block.text for block in actions.blocks] == [NO_ACTIONS]
    assert "No actions are recorded yet" in all_text(report)


def test_charts_for_the_standards_with_their_readings(report):
    signals = next(section for section in report.sections if section.key == "signals")
    charts = [block.chart for block in signals.blocks if block.block == "chart"]
    titles = [chart.title for chart in charts]
    assert "Initial conferences held on time, by month" in titles  # it has a standard
    # A signal of concern is charted; a change that is neither better nor worse is not.
    assert "Children on a plan without a social worker, by month" in titles
    assert "Child protection enquiries started, by month" not in titles
    unallocated = charts[titles.index("Children on a plan without a social worker, by month")]
    assert unallocated.drawn and "<script" not in unallocated.svg


def test_exceptions_and_signals_by_indicator_on_the_page(report):
    exceptions = table(report, "Exceptions by indicator")
    assert not exceptions.workbook_only and table(report, "Exceptions").workbook_only
    assert row(exceptions, "Initial conferences held on time") == [
        "66.7% (red): Below the amber band of the standard (target 85%)",
        "North: 50.0% (red): Below the amber band of the standard (target 85%)",
    ]
    signals = table(report, "Signals by indicator")
    assert row(signals, "Child protection enquiries started")[0] == (
        "higher than usual since July 2025"
    )
    assert table(report, "By team").workbook_only
