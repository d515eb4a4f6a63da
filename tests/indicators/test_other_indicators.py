"""Hand-worked examples: unallocated children, looked after, supervision, completeness."""

from datetime import date

import pytest

from .conftest import compute, figure, frames, one_period

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def plan(ref, child, start, end=None, team="T1"):
    return {"ref": ref, "child": child, "team": team, "start_date": start, "end_date": end}


def gap(ref, child, start, end=None, *, team="T1", risk="high", others=True):
    return {"ref": ref, "child": child, "team": team, "from_date": start, "to_date": end,
            "risk": risk, "others_involved": others}  # fmt: skip


@pytest.fixture
def unallocated():
    return frames(
        protection_plan=[
            plan("P1", "C1", date(2025, 6, 1)),
            plan("P2", "C2", date(2025, 6, 1)),
            plan("P3", "C3", date(2025, 6, 1), team="T2"),
            plan("P4", "C4", date(2025, 6, 1)),
            plan("P5", "C5", date(2025, 6, 1), date(2026, 3, 10)),  # plan ended
        ],
        unallocated_episode=[
            gap("U1", "C1", date(2026, 3, 1), risk="high"),  # 30 days at 31 March
            gap("U2", "C2", date(2026, 3, 31), risk="low", others=False),  # 0 days
            gap("U3", "C3", date(2026, 2, 1), date(2026, 4, 2), team="T2", risk=None),  # 58 days
            gap("U4", "C4", date(2026, 1, 1), date(2026, 3, 31)),  # allocated again on 31 March
            gap("U5", "C5", date(2026, 3, 1)),  # no longer on a plan
            gap("U6", "C6", date(2026, 3, 1)),  # never on a plan
            # A second open episode of C1, begun earlier: C1 counts once, with U1.
            gap("U7", "C1", date(2026, 2, 1), risk="low"),
        ],
    )


def test_unallocated_children_on_plans(unallocated):
    ids = ("unallocated_at_end", "unallocated_days", "unallocated_by_risk",
           "unallocated_others_involved")  # fmt: skip
    rows = compute(unallocated, one_period(*MARCH), *ids)
    assert figure(rows, "unallocated_at_end") == (3, None, 3.0)
    assert figure(rows, "unallocated_at_end", team="South") == (1, None, 1.0)
    assert figure(rows, "unallocated_days") == (30 + 0 + 58, 3, pytest.approx(88 / 3))
    assert figure(rows, "unallocated_by_risk", breakdown="high") == (1, None, 1.0)
    assert figure(rows, "unallocated_by_risk", breakdown="low") == (1, None, 1.0)
    assert figure(rows, "unallocated_by_risk", breakdown="medium") == (0, None, 0.0)
    assert figure(rows, "unallocated_by_risk", breakdown="not recorded") == (1, None, 1.0)
    assert figure(rows, "unallocated_others_involved") == (2, 3, pytest.approx(200 / 3))


def test_unallocated_days_with_nobody_unallocated_has_no_value():
    rows = compute(frames(), one_period(*MARCH), "unallocated_days")
    assert figure(rows, "unallocated_days") == (0, 0, None)


def test_looked_after_and_on_a_plan():
    data = frames(
        protection_plan=[
            plan("P1", "C1", date(2025, 6, 1)),
            plan("P2", "C2", date(2025, 6, 1), team="T2"),
            plan("P3", "C3", date(2025, 6, 1)),
            plan("P4", "C4", date(2025, 6, 1), date(2026, 3, 31)),
        ],
        looked_after_episode=[
            {"ref": "L1", "child": "C1", "start_date": date(2026, 3, 31)},
            {"ref": "L1b", "child": "C1", "start_date": date(2025, 1, 1)},  # two episodes
            {
                "ref": "L2",
                "child": "C2",
                "start_date": date(2026, 1, 1),
                "end_date": date(2026, 4, 1),
            },
            {
                "ref": "L3",
                "child": "C3",
                "start_date": date(2026, 1, 1),
                "end_date": date(2026, 3, 31),
            },
            {"ref": "L4", "child": "C4", "start_date": date(2026, 1, 1)},  # plan ended
            {"ref": "L5", "child": "C5", "start_date": date(2026, 1, 1)},  # no plan
        ],
    )
    rows = compute(data, one_period(*MARCH), "cpp_and_looked_after")
    assert figure(rows, "cpp_and_looked_after") == (2, None, 2.0)
    assert figure(rows, "cpp_and_looked_after", team="South") == (1, None, 1.0)


def test_supervision_within_4_weeks():
    data = frames(
        professional=[
            {"ref": "W1", "name": "A", "role": "social_worker", "team": "T1"},
            {"ref": "W2", "name": "B", "role": "social_worker", "team": "T2"},
        ],
        supervision_record=[
            {"ref": "S1", "worker": "W1", "date": date(2026, 2, 1)},
            {"ref": "S2", "worker": "W1", "date": date(2026, 3, 1)},  # 28 days: in time
            {"ref": "S3", "worker": "W1", "date": date(2026, 3, 30)},  # 29 days: late
            {"ref": "S3b", "worker": "W1", "date": date(2026, 3, 30)},  # the same session
            {"ref": "S4", "worker": "W2", "date": date(2026, 3, 5)},  # first: not measured
        ],
    )
    rows = compute(data, one_period(*MARCH), "supervision_within_standard")
    assert figure(rows, "supervision_within_standard") == (1, 2, 50.0)
    assert figure(rows, "supervision_within_standard", team="South") == (0, 0, None)


def test_data_completeness_by_item():
    held = date(2026, 3, 10)
    data = frames(
        protection_plan=[
            plan("P1", "C1", date(2025, 6, 1)),
            plan("P2", "C2", date(2026, 4, 2)),  # starts after March
        ],
        conference=[
            {"ref": "K1", "child": "C1", "kind": "review", "plan": "P1", "team": "T1",
             "date_held": held, "decision_published": held},
            {"ref": "K2", "child": "C1", "kind": "initial", "team": "T1", "date_held": held,
             "minutes_published": held},
            # Not held yet: placed by its target date, the date held missing.
            {"ref": "K3", "child": "C1", "kind": "review", "plan": "P1", "team": "T1",
             "target_date": date(2026, 3, 20)},
            # Neither date: placed in each period its plan was open in.
            {"ref": "K4", "child": "C1", "kind": "review", "plan": "P1", "team": "T1"},
        ],
        conference_attendance=[
            {"ref": "A1", "conference": "K1", "agency": "gp", "invited": True, "attended": False,
             "non_attendance_reason": "Clinic"},
            {"ref": "A2", "conference": "K1", "agency": "police", "invited": True,
             "attended": False},
            {"ref": "A3", "conference": "K2", "agency": "school", "invited": True,
             "attended": True},
        ],
        visit=[
            {"ref": "V1", "plan": "P1", "child": "C1", "date": date(2026, 3, 2)},
            {"ref": "V2", "plan": "P1", "child": "C1", "date": None},
            {"ref": "V3", "plan": "P1", "child": "C1", "date": date(2026, 2, 2)},  # February
            {"ref": "V4", "plan": "P2", "child": "C2", "date": None},  # plan not open in March
        ],
    )  # fmt: skip
    rows = compute(data, one_period(*MARCH), "data_completeness")
    item = "data_completeness"
    assert figure(rows, item, breakdown="decision_date") == (1, 2, 50.0)
    assert figure(rows, item, breakdown="minutes_date") == (1, 2, 50.0)
    assert figure(rows, item, breakdown="visit_date") == (1, 2, 50.0)
    assert figure(rows, item, breakdown="non_attendance_reason") == (1, 2, 50.0)
    assert figure(rows, item, breakdown="review_date") == (1, 3, pytest.approx(100 / 3))
