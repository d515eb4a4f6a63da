"""The early-warning lists, worked by hand as at Friday 9 January 2026.

England's bank holidays around it: Thursday 25 and Friday 26 December 2025,
Thursday 1 January 2026. "n working days after d" is the date with n working
days e such that d < e <= it.
"""

from datetime import date

import pytest

from cpqa.dashboards.warnings import (
    WARNING_KINDS,
    add_working_days,
    warnings_compute,
    working_days_between,
)
from cpqa.indicators.standards import Standards, default_standards

from .frames import frames

AS_AT = date(2026, 1, 9)


def run(**tables):
    return warnings_compute(
        frames(**tables), as_at=AS_AT, standards=default_standards(), region="england"
    )


def rows(result, slug: str, *columns: str) -> list[tuple]:
    return result.lists[slug].select("ref", *columns).rows()


def test_working_days_over_christmas():
    import polars as pl

    days = pl.Series("d", [date(2025, 12, 19), date(2025, 12, 24), date(2026, 1, 3)], pl.Date)
    # 19 Dec + 10: 22, 23, 24, 29, 30, 31 Dec, 2, 5, 6, 7 Jan.
    # 24 Dec + 1: 29 Dec. Saturday 3 Jan + 10: 5 to 9 and 12 to 16 Jan.
    assert add_working_days(days, 10, region="england").to_list()[0] == date(2026, 1, 7)
    assert add_working_days(days, 1, region="england").to_list()[1] == date(2025, 12, 29)
    assert add_working_days(days, 10, region="england").to_list()[2] == date(2026, 1, 16)
    # From 19 Dec to 9 Jan: 22, 23, 24, 29, 30, 31, 2, 5, 6, 7, 8, 9.
    assert working_days_between(days, AS_AT, region="england").to_list() == [12, 9, 5]


def child(ref: str, team: str = "T1") -> dict:
    return {"ref": ref, "date_of_birth": date(2016, 5, 1), "team": team}


def plan(ref: str, child_ref: str, start: date, **more) -> dict:
    return {"ref": ref, "child": child_ref, "start_date": start, "initial_category": "NEG",
            "team": "T1", **more}  # fmt: skip


def visit(ref: str, plan_ref: str, child_ref: str, day: date, seen=True, alone=None) -> dict:
    return {"ref": ref, "plan": plan_ref, "child": child_ref, "date": day, "seen": seen,
            "seen_alone": alone}  # fmt: skip


def test_visits_due_or_overdue():
    result = run(
        child=[child(c) for c in "ABCDEFG"],
        protection_plan=[
            plan("PA", "A", date(2025, 12, 1)),
            plan("PB", "B", date(2025, 12, 1)),
            plan("PC", "C", date(2025, 12, 1)),
            plan("PD", "D", date(2026, 1, 6)),
            plan("PE", "E", date(2025, 12, 1)),
            plan("PF0", "F", date(2025, 6, 1), end_date=date(2025, 11, 1)),
            plan("PF", "F", date(2025, 12, 22)),
            plan("PG", "G", date(2025, 11, 1), end_date=date(2026, 1, 2)),
        ],
        visit=[
            # A: seen 19 Dec, due 7 Jan: 2 days overdue.
            visit("V1", "PA", "A", date(2025, 12, 19)),
            # B: seen 30 Dec, due 14 Jan (31, 2, 5-9, 12-14): 3 working days left.
            visit("V2", "PB", "B", date(2025, 12, 30)),
            # C: seen 31 Dec, due 15 Jan: 4 working days left, not listed; an unseen
            # visit after it does not count.
            visit("V3", "PC", "C", date(2025, 12, 31)),
            visit("V4", "PC", "C", date(2026, 1, 8), seen=False, alone=False),
            # E: seen alone only, on 30 Dec: counts as seen.
            visit("V5", "PE", "E", date(2025, 12, 30), seen=None, alone=True),
            # F: seen on an earlier plan only; the new plan started 22 Dec, due 8 Jan.
            visit("V6", "PF0", "F", date(2025, 10, 1)),
        ],
        # D: plan started 6 Jan, never seen: due 20 Jan, not listed. G: plan ended.
    )
    assert rows(result, "visits", "due", "days", "overdue", "last_seen") == [
        ("PA", date(2026, 1, 7), -2, True, date(2025, 12, 19)),
        ("PF", date(2026, 1, 8), -1, True, None),
        ("PB", date(2026, 1, 14), 5, False, date(2025, 12, 30)),
        ("PE", date(2026, 1, 14), 5, False, date(2025, 12, 30)),
    ]


def test_reviews_due_or_overdue():
    result = run(
        child=[child(c) for c in "ABCDE"],
        protection_plan=[
            plan("PA", "A", date(2025, 10, 9)),  # first review due 9 Jan: due today
            plan("PB", "B", date(2025, 6, 20)),  # reviewed 15 Sep: next due 15 Mar
            plan("PC", "C", date(2025, 9, 30)),  # due 30 Dec: 10 days overdue
            plan("PD", "D", date(2025, 10, 31)),  # due 31 Jan: 15 working days, not listed
            plan("PE", "E", date(2025, 10, 20)),  # due 20 Jan: 7 working days, listed
        ],
        conference=[
            {"ref": "R1", "child": "B", "kind": "review", "plan": "PB",
             "date_held": date(2025, 9, 15)},
            {"ref": "R2", "child": "E", "kind": "review", "plan": "PE",
             "target_date": date(2026, 1, 19)},
        ],
    )  # fmt: skip
    assert rows(result, "reviews", "due", "days", "overdue", "booked") == [
        ("PC", date(2025, 12, 30), -10, True, None),
        ("PA", date(2026, 1, 9), 0, False, None),
        ("PE", date(2026, 1, 20), 11, False, date(2026, 1, 19)),
    ]


def test_later_reviews_are_due_six_months_after_the_last():
    result = run(
        child=[child("A")],
        protection_plan=[plan("PA", "A", date(2025, 3, 3))],
        conference=[
            {"ref": "R1", "child": "A", "kind": "review", "plan": "PA",
             "date_held": date(2025, 5, 30)},
            {"ref": "R2", "child": "A", "kind": "review", "plan": "PA",
             "date_held": date(2025, 7, 15)},
        ],
    )  # fmt: skip
    # Due 6 months after the later review: 15 Jan (4 working days): listed.
    assert rows(result, "reviews", "due", "last_review") == [
        ("PA", date(2026, 1, 15), date(2025, 7, 15))
    ]


def s47(ref: str, child_ref: str, start: date, **more) -> dict:
    return {"ref": ref, "child": child_ref, "start_date": start, "team": "T1", **more}


def test_initial_conferences_approaching_or_past_day_15():
    result = run(
        child=[child(c) for c in "ABCDEFGH"],
        section47=[
            # A: 16 working days since 15 Dec, conference requested: due 8 Jan, overdue.
            s47("SA", "A", date(2025, 12, 15), outcome="icpc"),
            # B: open with no outcome, 11 working days since 22 Dec: due 15 Jan.
            s47("SB", "B", date(2025, 12, 22)),
            # C: 8 working days since 29 Dec: not yet at day 10.
            s47("SC", "C", date(2025, 12, 29), outcome="icpc"),
            # D: no further action. E: recorded as not needing a conference.
            s47("SD", "D", date(2025, 12, 1), outcome="nfa", end_date=date(2025, 12, 10)),
            s47("SE", "E", date(2025, 12, 1), icpc_not_required=True),
            # F: its conference was held. G: a conference for the child, not linked.
            s47("SF", "F", date(2025, 12, 1), outcome="icpc"),
            s47("SG", "G", date(2025, 12, 1), outcome="icpc"),
            # H: booked for 12 Jan.
            s47("SH", "H", date(2025, 12, 17), outcome="icpc"),
        ],
        conference=[
            {"ref": "KF", "child": "F", "kind": "initial", "section47": "SF",
             "date_held": date(2025, 12, 19)},
            {"ref": "KG", "child": "G", "kind": "initial", "date_held": date(2025, 12, 18)},
            {"ref": "KH", "child": "H", "kind": "initial", "section47": "SH",
             "target_date": date(2026, 1, 12)},
        ],
    )  # fmt: skip
    assert rows(result, "initial-conferences", "due", "days", "working_days", "booked") == [
        ("SA", date(2026, 1, 8), -1, 16, None),
        ("SH", date(2026, 1, 12), 3, 14, date(2026, 1, 12)),
        ("SB", date(2026, 1, 15), 6, 11, None),
    ]


def test_core_groups_overdue():
    result = run(
        child=[child(c) for c in "ABC"],
        protection_plan=[
            plan("PA", "A", date(2025, 12, 19)),
            plan("PB", "B", date(2025, 12, 19)),
            plan("PC", "C", date(2026, 1, 5)),
        ],
        conference=[
            {"ref": "KA", "child": "A", "kind": "initial", "plan": "PA",
             "date_held": date(2025, 12, 19)},
        ],
        core_group_meeting=[{"ref": "M1", "plan": "PB", "date": date(2026, 1, 5)}],
    )  # fmt: skip
    # A: conference 19 Dec, no meeting: due 7 Jan. B met. C: started 5 Jan, due 19 Jan
    # (6 working days away): not listed.
    assert rows(result, "core-groups", "due", "days", "conference_date") == [
        ("PA", date(2026, 1, 7), -2, date(2025, 12, 19))
    ]


def test_decisions_and_minutes_not_published():
    result = run(
        child=[child(c) for c in "ABC"],
        conference=[
            {"ref": "K1", "child": "A", "kind": "review", "date_held": date(2026, 1, 8)},
            {"ref": "K2", "child": "B", "kind": "initial", "date_held": date(2025, 12, 10),
             "decision_published": date(2025, 12, 10)},
            {"ref": "K3", "child": "C", "kind": "review", "date_held": date(2024, 12, 2)},
        ],
    )  # fmt: skip
    # K1: decision due 9 Jan (today); its minutes are due 29 Jan, not listed yet.
    # K2: minutes due 15 working days after 10 Dec: 5 Jan, 4 days overdue.
    # K3: more than 12 months ago: for the data-quality pages.
    assert rows(result, "publication", "what", "due", "days", "overdue") == [
        ("K2", "Minutes", date(2026, 1, 5), -4, True),
        ("K1", "Decision", date(2026, 1, 9), 0, False),
    ]


def test_unallocated_children_by_risk_then_days():
    result = run(
        child=[child(c) for c in "ABCD"],
        protection_plan=[plan(f"P{c}", c, date(2025, 10, 1)) for c in "ABC"],
        unallocated_episode=[
            {"ref": "U1", "child": "A", "from_date": date(2025, 12, 1), "risk": "medium"},
            {"ref": "U2", "child": "B", "from_date": date(2025, 12, 20), "risk": "high",
             "decision_review_date": date(2026, 1, 5)},
            {"ref": "U3", "child": "C", "from_date": date(2025, 11, 1),
             "to_date": date(2025, 12, 1), "risk": "high"},
            {"ref": "U4", "child": "D", "from_date": date(2025, 11, 1), "risk": "high"},
        ],
    )  # fmt: skip
    # C was allocated again; D is not on a plan.
    assert rows(result, "unallocated", "risk", "days_unallocated", "due", "days", "overdue") == [
        ("U2", "high", 20, date(2026, 1, 5), -4, True),
        ("U1", "medium", 39, None, None, False),
    ]


def test_every_list_carries_the_childs_team_category_and_age_band():
    result = run(
        child=[child("A", team="T2")],
        protection_plan=[plan("PA", "A", date(2025, 12, 1), latest_category="PHY")],
    )
    visits = result.lists["visits"]
    assert visits.select("child", "team", "category", "age_band").rows() == [
        ("A", "T2", "PHY", "5_to_9")
    ]
    assert list(result.lists) == [kind.slug for kind in WARNING_KINDS]


def test_a_list_whose_standard_is_not_in_force_is_empty_and_says_so():
    standards = default_standards()
    versions = {**standards.versions, "visits-every-10-working-days": ()}
    result = warnings_compute(
        frames(child=[child("A")], protection_plan=[plan("PA", "A", date(2025, 12, 1))]),
        as_at=AS_AT,
        standards=Standards(info=standards.info, versions=versions),
        region="england",
    )
    assert result.lists["visits"].height == 0
    assert result.missing_standards == {"visits": ["visits-every-10-working-days"]}


@pytest.mark.parametrize("slug", [kind.slug for kind in WARNING_KINDS])
def test_empty_data_gives_empty_lists(slug):
    result = run()
    assert result.lists[slug].height == 0
