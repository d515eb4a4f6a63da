"""The health check: unallocated children (child-level, scoped and logged) and staffing."""

import re

import pytest
from django.core.exceptions import PermissionDenied

from cpqa.accounts.models import AccessKind, AccessLogEntry
from cpqa.accounts.roles import Role
from cpqa.indicators.suppression import FEWER_THAN_5, WITHHELD
from cpqa.reports.builders import report_for_operator, report_for_user
from cpqa.reports.builders.health_check import (
    CHILD_LIST_WITHHELD,
    OPERATOR_NOT_LOGGED,
    TOTAL,
    caseload_hidden,
)
from cpqa.reports.selectors import NOT_ALLOWED, RECORD_TYPE_UNALLOCATED

from .conftest import SEPTEMBER, TODAY, fenshire
from .helpers import all_text, headers, row, table, texts

pytestmark = pytest.mark.django_db
VIA = "/reports/health-check/?period=2025-09"


def build(user, kind=AccessKind.PAGE):
    return report_for_user(
        user=user, name="health-check", period=SEPTEMBER, via=VIA, kind=kind, today=TODAY
    )


def test_the_children_without_a_social_worker(loaded, make_user):
    report = build(make_user(Role.SENIOR_MANAGER))
    children = table(report, "Unallocated children")
    # Highest risk first: N0 (high, since 22 Sep, 8 days to 30 Sep, review due 29 Sep), then
    # S1 (low, since 25 Sep, 5 days, no decision). N1's episode ended on 20 Sep.
    assert texts(children) == [
        ["N0", "North", "22 Sep 2025", "8", "High", "Yes",
         "Allocate to the next social worker free", "29 Sep 2025", "Overdue"],
        ["S1", "South", "25 Sep 2025", "5", "Low", "No", "Not recorded", "not recorded", ""],
    ]  # fmt: skip
    assert children.rows[0][0].href == "/children/N0/"
    assert report.child_refs == ["N0", "S1"]
    assert report.marking == "OFFICIAL-SENSITIVE: lists children"


def test_the_counts_by_team_risk_and_days(loaded, make_user):
    report = build(make_user(Role.SENIOR_MANAGER))
    summary = table(report, "Unallocated by team")
    assert headers(summary)[1:11] == [
        "Children",
        "Risk: high",
        "Risk: medium",
        "Risk: low",
        "Risk not recorded",
        "Up to 7 days",
        "8 to 28 days",
        "29 to 90 days",
        "More than 90 days",
        "Longest (days)",
    ]
    # Children, high, medium, low, not recorded, bands, longest, others involved, no
    # decision recorded, decision review overdue.
    assert row(summary, "Whole authority") == [
        "2", "1", "0", "1", "0", "1", "1", "0", "0", "8", "1", "1", "1",
    ]  # fmt: skip
    assert row(summary, "North") == [
        "1",
        "1",
        "0",
        "0",
        "0",
        "0",
        "1",
        "0",
        "0",
        "8",
        "1",
        "0",
        "1",
    ]
    assert row(summary, "South") == [
        "1",
        "0",
        "0",
        "1",
        "0",
        "1",
        "0",
        "0",
        "0",
        "5",
        "0",
        "1",
        "0",
    ]


def test_staffing_and_caseloads(loaded, make_user):
    report = build(make_user(Role.SENIOR_MANAGER))
    staffing = table(report, "Staffing")
    # The 1 Sep snapshots (not North's of 1 Oct). North: W1 (FTE 1) has N0 and N1, W2 (0.5)
    # has N2 (her N1 ended on 20 Sep): 3 children on 1.5 FTE, 2.0 each, 2 at most. The
    # team manager's allocation is not a social worker's. South: W3 has S0.
    assert row(staffing, "North") == [
        "1 Sep 2025", "8.0", "6.5", "1.0", "0.5", "0.0", "2.0", "1.5", "3", "2.0", "2",
    ]  # fmt: skip
    assert row(staffing, "South") == [
        "1 Sep 2025", "8.0", "7.5", "0.5", "0.0", "0.0", "1.0", "1.0", "1", "1.0", "1",
    ]  # fmt: skip
    assert row(staffing, TOTAL) == [
        "", "16.0", "14.0", "1.5", "0.5", "0.0", "3.0", "2.5", "4", "1.6", "2",
    ]  # fmt: skip


def test_every_view_and_download_is_logged(loaded, make_user):
    manager = make_user(Role.SENIOR_MANAGER)
    build(manager)
    build(manager, kind=AccessKind.EXPORT)
    entries = list(AccessLogEntry.objects.order_by("pk"))
    assert [(e.kind, e.record_type, e.record_count, e.via) for e in entries] == [
        (AccessKind.PAGE, RECORD_TYPE_UNALLOCATED, 2, VIA),
        (AccessKind.EXPORT, RECORD_TYPE_UNALLOCATED, 2, VIA),
    ]
    assert sorted(entries[0].children.values_list("child_ref", flat=True)) == ["N0", "S1"]
    assert entries[0].username == manager.username


def test_a_team_manager_sees_only_their_teams_children(loaded, teams, make_user):
    manager = make_user(Role.TEAM_MANAGER, teams=[teams["North"]])
    report = build(manager)
    assert [r[0] for r in texts(table(report, "Unallocated children"))] == ["N0"]
    assert [r[0] for r in texts(table(report, "Staffing"))] == [TOTAL, "North"]
    entry = AccessLogEntry.objects.get()
    assert list(entry.children.values_list("child_ref", flat=True)) == ["N0"]


def test_a_councillor_gets_counts_with_small_numbers_suppressed_and_no_child(loaded, make_user):
    report = build(make_user(Role.COUNCILLOR))
    sheets = [t.sheet for t in report.tables()]
    assert "Unallocated children" not in sheets
    assert report.child_refs == []
    assert CHILD_LIST_WITHHELD in all_text(report)
    counts = table(report, "Unallocated by team")
    # 2 children (1 in North, 1 in South): all fewer than 5, and the averages and shares
    # built on them withheld.
    assert row(counts, "Whole authority")[0] == FEWER_THAN_5
    assert row(counts, "North")[0] == FEWER_THAN_5
    assert row(counts, "North")[-2:] == [FEWER_THAN_5, FEWER_THAN_5]
    staffing = table(report, "Staffing")
    assert "Most children for one social worker" not in headers(staffing)
    # 3, 1 and 4 children allocated: each from 1 to 4.
    assert row(staffing, "North")[8:10] == [FEWER_THAN_5, FEWER_THAN_5]
    assert row(staffing, TOTAL)[8] == FEWER_THAN_5
    assert row(staffing, "North")[1] == "8.0"  # staffing itself is shown
    refs = fenshire()["child"].get_column("ref").to_list()
    text = all_text(report)
    assert not [ref for ref in refs if re.search(rf"\b{ref}\b", text)]
    assert AccessLogEntry.objects.count() == 0


def test_caseload_suppression_by_hand():
    # A 3 is small; the total 25 less B and C would give it, so the smallest other, B (10),
    # is withheld too.
    assert caseload_hidden({"A": 3, "B": 10, "C": 12}) == {"A", "B"}
    # Nothing small: nothing withheld. A team with none is 0, shown.
    assert caseload_hidden({"A": 0, "B": 10, "C": 12}) == set()
    # Two small teams already make two unknowns; the total (6) is not small: shown.
    assert caseload_hidden({"A": 2, "B": 4}) == {"A", "B"}
    # A total from 1 to 4 is withheld as well.
    assert caseload_hidden({"A": 1, "B": 0}) == {"A", TOTAL}


def test_the_withheld_words():
    assert (FEWER_THAN_5, WITHHELD) == ("fewer than 5", "withheld")


def test_roles_without_the_report_are_refused(loaded, make_user):
    for role in (Role.SOCIAL_WORKER, Role.DATA_OFFICER, Role.ADMINISTRATOR, Role.AUDIT_MANAGER):
        with pytest.raises(PermissionDenied) as error:
            build(make_user(role))
        assert str(error.value) == NOT_ALLOWED
    assert AccessLogEntry.objects.count() == 0


def test_the_operator_at_the_command_line_gets_the_whole_list_unlogged(loaded):
    report = report_for_operator(
        name="health-check", period=SEPTEMBER, authority=loaded, operator="ops", today=TODAY
    )
    assert report.child_refs == ["N0", "S1"]
    assert OPERATOR_NOT_LOGGED in all_text(report)
    assert AccessLogEntry.objects.count() == 0
