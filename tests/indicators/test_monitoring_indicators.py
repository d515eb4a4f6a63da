"""Hand-worked examples: reviews in time, visits within the standard."""

from datetime import date

import pytest

from .conftest import compute, context, figure, frames, one_period

APRIL = (date(2025, 4, 1), date(2025, 4, 30))


def plan(ref, start, end=None, *, child=None, team="T1"):
    return {"ref": ref, "child": child or f"C{ref}", "team": team, "start_date": start,
            "end_date": end}  # fmt: skip


def review(ref, plan_ref, held):
    return {"ref": ref, "child": f"C{plan_ref}", "kind": "review", "plan": plan_ref,
            "date_held": held, "team": "T1"}  # fmt: skip


def test_reviews_in_time_at_the_end_of_april():
    data = frames(
        protection_plan=[
            plan("P1", date(2025, 1, 15)),
            plan("P1b", date(2025, 1, 15)),
            plan("P2", date(2025, 1, 31)),  # 31 Jan + 3 months = 30 April: due on the last day
            plan("P3", date(2025, 1, 31)),
            plan("P4", date(2025, 2, 1)),  # 3 months old only on 1 May: not yet measured
            plan("P5", date(2025, 1, 10), date(2025, 4, 20)),  # ended: not open
            plan("P6", date(2025, 1, 15)),
        ],
        conference=[
            review("R1", "P1", date(2025, 4, 15)),  # on its due date: in time
            review("R1b", "P1b", date(2025, 4, 16)),  # a day late
            review("R3", "P3", date(2025, 4, 30)),  # on its due date, the last day
            review("R6a", "P6", date(2025, 1, 15)),  # on the start date: not a review of it
            review("R6b", "P6", date(2025, 4, 14)),
            review("R6c", "P6", date(2025, 4, 14)),  # the same review recorded twice
        ],
    )
    rows = compute(data, one_period(*APRIL), "cpp_reviewed_in_time")
    # P1, P1b, P2, P3, P6 measured; P1, P3, P6 in time; P2's due date passed unreviewed.
    assert figure(rows, "cpp_reviewed_in_time") == (3, 5, 60.0)


def test_reviews_in_time_month_by_month():
    data = frames(
        protection_plan=[plan("P1", date(2025, 1, 15)), plan("P7", date(2025, 1, 15)),
                         plan("P8", date(2025, 1, 15), team="T2")],
        conference=[
            review("R1a", "P1", date(2025, 4, 15)),
            review("R1b", "P1", date(2025, 10, 16)),  # due 15 October: late
            review("R7a", "P7", date(2025, 4, 15)),
            review("R7b", "P7", date(2025, 10, 15)),  # exactly 6 months after: in time
            review("R8a", "P8", date(2025, 4, 15)),  # and no review since
        ],
    )  # fmt: skip
    ctx = context(date(2025, 1, 1), date(2025, 11, 30), "month")
    rows = compute(data, ctx, "cpp_reviewed_in_time")
    for month in (1, 2, 3):  # under 3 months old at the end of the month
        assert figure(rows, "cpp_reviewed_in_time", period_start=date(2025, month, 1)) == (
            0,
            0,
            None,
        )
    for month in range(4, 10):
        assert figure(rows, "cpp_reviewed_in_time", period_start=date(2025, month, 1)) == (
            3,
            3,
            100.0,
        )
    # October: P1's review was late and P8's due date (15 October) passed.
    assert figure(rows, "cpp_reviewed_in_time", period_start=date(2025, 10, 1)) == (
        1,
        3,
        pytest.approx(100 / 3),
    )
    assert figure(rows, "cpp_reviewed_in_time", period_start=date(2025, 11, 1), team="North") == (
        1,
        2,
        50.0,
    )


def test_a_review_due_on_the_last_day_and_not_held_is_late():
    data = frames(protection_plan=[plan("P1", date(2025, 1, 15))],
                  conference=[review("R1", "P1", date(2025, 4, 15))])  # fmt: skip
    # Due 15 October; P ends on 15 October and no review was held by then.
    rows = compute(data, one_period(date(2025, 10, 1), date(2025, 10, 15)), "cpp_reviewed_in_time")
    assert figure(rows, "cpp_reviewed_in_time") == (0, 1, 0.0)
    rows = compute(data, one_period(date(2025, 10, 1), date(2025, 10, 14)), "cpp_reviewed_in_time")
    assert figure(rows, "cpp_reviewed_in_time") == (1, 1, 100.0)


JANUARY = (date(2026, 1, 1), date(2026, 1, 31))


def visit(ref, plan_ref, day, *, seen=True, alone=False):
    return {"ref": ref, "plan": plan_ref, "child": f"C{plan_ref}", "date": day, "seen": seen,
            "seen_alone": alone}  # fmt: skip


@pytest.fixture
def visits():
    """Plans open at the end of January 2026 (Saturday 31 January).

    The working days d with 16 January < d <= 31 January are 19 to 23 and 26 to 30
    January: 10. So a visit on Friday 16 January is within the standard and one on
    Thursday 15 January is not.
    """
    return frames(
        protection_plan=[
            plan("P1", date(2025, 11, 1)),
            plan("P2", date(2025, 11, 1)),
            plan("P3", date(2025, 11, 1)),
            plan("P4", date(2025, 11, 1), team="T2"),
            plan("P5", date(2026, 1, 20)),  # started in the window: not yet due
            plan("P6", date(2026, 1, 15)),  # started before the window, never seen
        ],
        visit=[
            visit("V1", "P1", date(2026, 1, 16)),
            visit("V2", "P2", date(2026, 1, 15)),
            visit("V3", "P3", date(2026, 1, 20), seen=False),
            visit("V4", "P4", date(2026, 1, 28), alone=True),
            visit("V5", "P4", date(2026, 1, 2), alone=True),
        ],
    )


def test_seen_within_the_visiting_standard(visits):
    rows = compute(
        visits, one_period(*JANUARY), "cpp_seen_within_standard", "cpp_seen_alone_within_standard"
    )
    assert figure(rows, "cpp_seen_within_standard") == (3, 6, 50.0)  # P1, P4, P5
    assert figure(rows, "cpp_seen_alone_within_standard") == (2, 6, pytest.approx(100 / 3))
    assert figure(rows, "cpp_seen_within_standard", team="South") == (1, 1, 100.0)


def test_a_visit_counts_in_every_window_it_falls_in():
    # The last period is cut short (1 to 3 February): its window (from Tuesday 20
    # January) overlaps January's (from 16 January).
    data = frames(
        protection_plan=[plan("P1", date(2025, 11, 1))],
        visit=[visit("V1", "P1", date(2026, 1, 21))],
    )
    ctx = context(date(2026, 1, 1), date(2026, 2, 3), "month")
    rows = compute(data, ctx, "cpp_seen_within_standard")
    assert figure(rows, "cpp_seen_within_standard", period_start=date(2026, 1, 1)) == (1, 1, 100.0)
    assert figure(rows, "cpp_seen_within_standard", period_start=date(2026, 2, 1)) == (1, 1, 100.0)


def test_seen_of_an_empty_period_has_no_value():
    rows = compute(frames(), one_period(*JANUARY), "cpp_seen_within_standard")
    assert figure(rows, "cpp_seen_within_standard") == (0, 0, None)
