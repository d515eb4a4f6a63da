"""Hand-worked examples: enquiries, initial conferences and their timeliness."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from cpqa.indicators.standards import Standards, StandardTerms, default_standards

from .conftest import compute, context, figure, frames, one_period

JANUARY = (date(2026, 1, 1), date(2026, 1, 31))


def test_s47_started_counts_enquiries_by_start_date_and_team():
    data = frames(
        section47=[
            {"ref": "S1", "child": "C1", "team": "T1", "start_date": date(2026, 1, 1)},
            {"ref": "S2", "child": "C2", "team": "T1", "start_date": date(2026, 1, 31)},
            {"ref": "S3", "child": "C3", "team": "T2", "start_date": date(2026, 1, 15)},
            {"ref": "S4", "child": "C4", "team": None, "start_date": date(2026, 1, 15)},
            {"ref": "S5", "child": "C5", "team": "T1", "start_date": date(2025, 12, 31)},
            {"ref": "S6", "child": "C6", "team": "T1", "start_date": date(2026, 2, 1)},
            {"ref": "S7", "child": "C7", "team": "T1", "start_date": None},
        ]
    )
    rows = compute(data, one_period(*JANUARY), "s47_started")
    assert figure(rows, "s47_started") == (4, None, 4.0)  # the one with no team counts here
    assert figure(rows, "s47_started", team="North") == (2, None, 2.0)
    assert figure(rows, "s47_started", team="South") == (1, None, 1.0)


def test_an_empty_period_counts_0():
    rows = compute(frames(section47=[]), one_period(*JANUARY), "s47_started")
    assert figure(rows, "s47_started") == (0, None, 0.0)


@pytest.fixture
def christmas():
    """Enquiries around Christmas 2025 and January 2026, and their initial conferences.

    From Friday 19 December 2025, the working days are 22, 23, 24 December (25 and
    26 are bank holidays), 29, 30, 31 December (1 January is one), 2 January, 5 to
    9 January and 12, 13, 14 January: Wednesday 14 January is day 15 and Thursday
    15 January day 16. From Saturday 3 January 2026, Monday 5 January is day 1 and
    Friday 23 January day 15.
    """
    return frames(
        section47=[
            {"ref": "S1", "child": "C1", "team": "T1", "start_date": date(2025, 12, 19)},
            {"ref": "S2", "child": "C2", "team": "T1", "start_date": date(2025, 12, 19)},
            {"ref": "S3", "child": "C3", "team": "T2", "start_date": date(2026, 1, 3)},
            {"ref": "S4", "child": "C4", "team": "T2", "start_date": date(2026, 1, 20)},
        ],
        conference=[
            {"ref": "K1", "child": "C1", "kind": "initial", "section47": "S1", "team": "T1",
             "date_held": date(2026, 1, 14)},
            {"ref": "K2", "child": "C2", "kind": "initial", "section47": "S2", "team": "T1",
             "date_held": date(2026, 1, 15)},
            {"ref": "K3", "child": "C3", "kind": "initial", "section47": "S3", "team": "T2",
             "date_held": date(2026, 1, 23)},
            # Held before its enquiry started: counted as held, left out of timeliness.
            {"ref": "K4", "child": "C4", "kind": "initial", "section47": "S4", "team": "T2",
             "date_held": date(2026, 1, 19)},
            # A transfer-in conference is not an initial conference.
            {"ref": "K5", "child": "C5", "kind": "transfer_in", "team": "T1",
             "date_held": date(2026, 1, 20)},
            # At referral level (no enquiry): held, but not measured for timeliness.
            {"ref": "K6", "child": "C6", "kind": "initial", "episode": "E6", "team": "T2",
             "date_held": date(2026, 1, 21)},
            # A second record of C1's conference on the same date: the same conference.
            {"ref": "K0", "child": "C1", "kind": "initial", "team": "T2",
             "date_held": date(2026, 1, 14)},
        ],
    )  # fmt: skip


def test_icpc_held_counts_each_child_and_date_once(christmas):
    rows = compute(christmas, one_period(*JANUARY), "icpc_held")
    assert figure(rows, "icpc_held") == (5, None, 5.0)  # K1 (=K0), K2, K3, K4, K6
    # The record kept for C1 is the one linked to the enquiry (K1, North), not K0.
    assert figure(rows, "icpc_held", team="North") == (2, None, 2.0)
    assert figure(rows, "icpc_held", team="South") == (3, None, 3.0)


def test_icpc_within_15_working_days(christmas):
    rows = compute(christmas, one_period(*JANUARY), "icpc_within_15_working_days")
    # K1 on day 15 (in time), K2 on day 16 (late), K3 on day 15 from a Saturday start.
    assert figure(rows, "icpc_within_15_working_days") == (2, 3, pytest.approx(200 / 3))
    assert figure(rows, "icpc_within_15_working_days", team="North") == (1, 2, 50.0)
    assert figure(rows, "icpc_within_15_working_days", team="South") == (1, 1, 100.0)


def test_icpc_within_15_working_days_is_null_for_an_empty_period(christmas):
    rows = compute(
        christmas, one_period(date(2026, 3, 1), date(2026, 3, 31)), "icpc_within_15_working_days"
    )
    assert figure(rows, "icpc_within_15_working_days") == (0, 0, None)


def test_the_threshold_is_that_of_the_standard_in_force_at_the_end_of_the_period(christmas):
    slug = "icpc-within-15-working-days"
    defaults = default_standards()
    (first,) = defaults.versions[slug]
    shorter = StandardTerms(slug, date(2026, 1, 1), None, 10, Decimal(90), Decimal(90), Decimal(80))
    standards = Standards(
        info=defaults.info,
        versions={
            **defaults.versions,
            slug: (replace(first, effective_to=date(2025, 12, 31)), shorter),
        },
    )
    ctx = context(date(2025, 12, 1), date(2026, 1, 31), "month", standards=standards)
    rows = compute(christmas, ctx, "icpc_within_15_working_days")
    # January is measured against 10 working days: K1 and K3 (day 15) are late too.
    assert figure(rows, "icpc_within_15_working_days", period_start=date(2026, 1, 1)) == (0, 3, 0.0)


def test_no_standard_in_force_means_no_value(christmas):
    slug = "icpc-within-15-working-days"
    defaults = default_standards()
    (first,) = defaults.versions[slug]
    standards = Standards(
        info=defaults.info,
        versions={**defaults.versions, slug: (replace(first, effective_to=date(2025, 12, 31)),)},
    )
    rows = compute(
        christmas, one_period(*JANUARY, standards=standards), "icpc_within_15_working_days"
    )
    assert figure(rows, "icpc_within_15_working_days") == (0, 0, None)


def test_first_core_group_within_10_working_days():
    # Initial conferences on Monday 5 January 2026: 10 working days on is Monday 19 January.
    data = frames(
        protection_plan=[
            {"ref": "P1", "child": "C1", "team": "T1", "start_date": date(2026, 1, 5)},
            {"ref": "P2", "child": "C2", "team": "T1", "start_date": date(2026, 1, 5)},
            {"ref": "P3", "child": "C3", "team": "T2", "start_date": date(2026, 1, 5)},
            {"ref": "P4", "child": "C4", "team": "T2", "start_date": date(2026, 1, 5)},
        ],
        conference=[
            {"ref": f"K{n}", "child": f"C{n}", "kind": "initial", "plan": f"P{n}",
             "team": "T1", "date_held": date(2026, 1, 5)}
            for n in range(1, 5)
        ] + [
            # No plan: not measured.
            {"ref": "K5", "child": "C5", "kind": "initial", "team": "T1",
             "date_held": date(2026, 1, 5)},
        ],
        core_group_meeting=[
            {"ref": "G1", "plan": "P1", "date": date(2026, 1, 19)},  # day 10: in time
            {"ref": "G1b", "plan": "P1", "date": date(2026, 1, 7)},  # earlier: the first one
            {"ref": "G2", "plan": "P2", "date": date(2026, 1, 20)},  # day 11: late
            {"ref": "G3", "plan": "P3", "date": date(2026, 1, 2)},  # before the conference
            # P4 has no core group at all: not in time.
        ],
    )  # fmt: skip
    rows = compute(data, one_period(*JANUARY), "core_group_within_10_working_days")
    assert figure(rows, "core_group_within_10_working_days") == (1, 4, 25.0)
    # The team is the plan's.
    assert figure(rows, "core_group_within_10_working_days", team="South") == (0, 2, 0.0)


def test_publication_within_standard():
    held = date(2026, 1, 9)  # a Friday
    data = frames(
        conference=[
            {"ref": "K1", "child": "C1", "kind": "initial", "team": "T1", "date_held": held,
             "decision_published": held, "minutes_published": date(2026, 1, 30)},
            {"ref": "K2", "child": "C2", "kind": "review", "team": "T1", "date_held": held,
             "decision_published": date(2026, 1, 12), "minutes_published": date(2026, 2, 2)},
            {"ref": "K3", "child": "C3", "kind": "transfer_in", "team": "T2", "date_held": held,
             "decision_published": date(2026, 1, 13)},
            {"ref": "K4", "child": "C4", "kind": "review", "team": "T2", "date_held": held,
             "decision_published": date(2026, 1, 8)},
        ],
    )  # fmt: skip
    rows = compute(
        data, one_period(*JANUARY), "decision_published_in_time", "minutes_published_in_time"
    )
    # Decision: same day (0) and Monday (1) in time; Tuesday (2) late; before the
    # conference is not a valid publication.
    assert figure(rows, "decision_published_in_time") == (2, 4, 50.0)
    # Minutes: 30 January is day 15, 2 February day 16; K3 and K4 have none.
    assert figure(rows, "minutes_published_in_time") == (1, 4, 25.0)


def _attended(conference, *agencies, attended=True):
    return [
        {"ref": f"{conference}-{agency}-{attended}", "conference": conference, "agency": agency,
         "invited": True, "attended": attended}
        for agency in agencies
    ]  # fmt: skip


def test_quorate_needs_social_care_and_two_other_agencies():
    held = date(2026, 1, 9)
    data = frames(
        conference=[
            {"ref": f"K{n}", "child": f"C{n}", "kind": "review", "team": "T1", "date_held": held}
            for n in range(1, 6)
        ] + [
            {"ref": "K6", "child": "C6", "kind": "review", "team": "T1", "date_held": held,
             "quorate": True},
        ],
        conference_attendance=[
            *_attended("K1", "childrens_social_care", "police", "gp"),
            *_attended("K2", "childrens_social_care", "police"),
            *_attended("K2", "gp", attended=False),
            *_attended("K3", "police", "gp", "school"),
            # The same agency twice counts once.
            *_attended("K4", "childrens_social_care", "police"),
            {"ref": "K4-police-again", "conference": "K4", "agency": "police", "attended": True},
            *_attended("K5", "childrens_social_care", "police", "school", "housing"),
        ],
    )  # fmt: skip
    rows = compute(data, one_period(*JANUARY), "conference_quorate")
    # K1 and K5 quorate; K2 (one other), K3 (no social care), K4 (one other) not; K6 has
    # no attendance records and its recorded flag says quorate.
    assert figure(rows, "conference_quorate") == (3, 6, 50.0)


def test_parents_attending_and_participating():
    held = date(2026, 1, 9)
    data = frames(
        conference=[
            {"ref": "K1", "child": "C1", "kind": "initial", "team": "T1", "date_held": held,
             "parents_attended": True, "parents_participated": True},
            {"ref": "K2", "child": "C2", "kind": "review", "team": "T1", "date_held": held,
             "parents_attended": True, "parents_participated": False},
            {"ref": "K3", "child": "C3", "kind": "review", "team": "T1", "date_held": held,
             "parents_attended": False},
            {"ref": "K4", "child": "C4", "kind": "review", "team": "T1", "date_held": held},
        ],
    )  # fmt: skip
    rows = compute(
        data, one_period(*JANUARY), "conference_parents_attended", "conference_parents_participated"
    )
    assert figure(rows, "conference_parents_attended") == (2, 4, 50.0)
    assert figure(rows, "conference_parents_participated") == (1, 4, 25.0)


def test_child_participation_shares_add_up_to_100():
    held = date(2026, 1, 9)
    codes = ["PN1", "PN1", "PN0", "PN7", None, "XX9"]
    data = frames(
        conference=[
            {"ref": f"K{n}", "child": f"C{n}", "kind": "review", "team": "T1", "date_held": held,
             "participation": code}
            for n, code in enumerate(codes)
        ],
    )  # fmt: skip
    rows = compute(data, one_period(*JANUARY), "conference_child_participation")
    share = "conference_child_participation"
    assert figure(rows, share, breakdown="PN1") == (2, 6, pytest.approx(100 / 3))
    assert figure(rows, share, breakdown="PN0") == (1, 6, pytest.approx(100 / 6))
    assert figure(rows, share, breakdown="PN4") == (0, 6, 0.0)
    # Not recorded, or not a PN code.
    assert figure(rows, share, breakdown="not recorded") == (2, 6, pytest.approx(100 / 3))
    authority = rows.filter(rows["team"].is_null())
    assert authority["value"].sum() == pytest.approx(100)
    assert authority.height == 9


def test_agency_attendance_and_reports_by_agency():
    held = date(2026, 1, 9)
    data = frames(
        conference=[
            {"ref": "K1", "child": "C1", "kind": "initial", "team": "T1", "date_held": held},
            {"ref": "K2", "child": "C2", "kind": "review", "team": "T2", "date_held": held},
            {"ref": "K3", "child": "C3", "kind": "review", "team": "T2",
             "date_held": date(2026, 2, 2)},
        ],
        conference_attendance=[
            {"ref": "A1", "conference": "K1", "agency": "police", "invited": True,
             "attended": True, "report_submitted": True, "report_on_time": True},
            {"ref": "A2", "conference": "K2", "agency": "police", "invited": True,
             "attended": False, "report_submitted": True, "report_on_time": False},
            {"ref": "A3", "conference": "K2", "agency": "gp", "invited": True, "attended": None},
            # Not invited: not counted.
            {"ref": "A4", "conference": "K2", "agency": "school", "invited": False,
             "attended": True},
            # Another month.
            {"ref": "A5", "conference": "K3", "agency": "police", "invited": True,
             "attended": True},
        ],
    )  # fmt: skip
    rows = compute(data, one_period(*JANUARY), "agency_attendance", "agency_reports_on_time")
    assert figure(rows, "agency_attendance", breakdown="police") == (1, 2, 50.0)
    assert figure(rows, "agency_attendance", breakdown="gp") == (0, 1, 0.0)
    assert figure(rows, "agency_attendance", breakdown="school") == (0, 0, None)
    assert figure(rows, "agency_attendance", breakdown="police", team="South") == (0, 1, 0.0)
    assert figure(rows, "agency_reports_on_time", breakdown="police") == (1, 2, 50.0)
