"""Hand-worked examples: plans started, ended, open, repeated and their durations."""

from datetime import date

import pytest

from .conftest import compute, figure, frames, one_period

YEAR = (date(2025, 4, 1), date(2026, 3, 31))


def plan(ref, child, start, end=None, *, team="T1", category="NEG", previous=0):
    return {
        "ref": ref,
        "child": child,
        "team": team,
        "start_date": start,
        "end_date": end,
        "initial_category": category,
        "previous_plans": previous,
    }


def test_started_ended_and_by_category():
    data = frames(
        protection_plan=[
            plan("P1", "C1", date(2025, 4, 1), category="NEG"),
            plan("P2", "C2", date(2025, 6, 1), date(2026, 3, 31), category="EMO", team="T2"),
            plan("P3", "C3", date(2026, 3, 31), category=None),
            plan("P4", "C4", date(2026, 4, 1), category="PHY"),
            plan("P5", "C5", date(2024, 1, 1), date(2025, 4, 1), category="XYZ"),
        ]
    )
    rows = compute(data, one_period(*YEAR), "cpp_started", "cpp_ended", "cpp_started_by_category")
    assert figure(rows, "cpp_started") == (3, None, 3.0)
    assert figure(rows, "cpp_ended") == (2, None, 2.0)  # P2 and P5
    by = "cpp_started_by_category"
    assert figure(rows, by, breakdown="NEG") == (1, None, 1.0)
    assert figure(rows, by, breakdown="EMO") == (1, None, 1.0)
    assert figure(rows, by, breakdown="PHY") == (0, None, 0.0)
    assert figure(rows, by, breakdown="not recorded") == (1, None, 1.0)
    assert figure(rows, by, breakdown="EMO", team="South") == (1, None, 1.0)
    categories = rows.filter((rows["indicator"] == by) & rows["team"].is_null())
    assert categories["breakdown"].to_list() == ["NEG", "PHY", "SAB", "EMO", "MUL", "not recorded"]
    assert categories["numerator"].sum() == 3


def test_open_at_the_end_of_the_period():
    end = YEAR[1]
    data = frames(
        protection_plan=[
            plan("P1", "C1", end),  # starts on the last day: open
            plan("P2", "C2", date(2025, 1, 1), end),  # ends on the last day: not open
            plan("P3", "C3", date(2025, 1, 1), date(2026, 4, 1)),  # ends after: open
            plan("P4", "C4", date(2026, 4, 1)),  # starts after: not open
            # Two overlapping plans of one child (a data error): counted once, with the
            # plan that started last (P6, South).
            plan("P5", "C5", date(2025, 1, 1), team="T1"),
            plan("P6", "C5", date(2025, 6, 1), team="T2"),
            plan("P7", "C7", None),  # no start date: never open
        ]
    )
    rows = compute(
        data, one_period(*YEAR, child_population=60_000), "cpp_open_at_end", "cpp_rate_per_10000"
    )
    assert figure(rows, "cpp_open_at_end") == (3, None, 3.0)
    assert figure(rows, "cpp_open_at_end", team="North") == (2, None, 2.0)
    assert figure(rows, "cpp_open_at_end", team="South") == (1, None, 1.0)
    assert figure(rows, "cpp_rate_per_10000") == (3, 60_000, pytest.approx(0.5))
    # The rate is for the whole authority only.
    assert (
        rows.filter((rows["indicator"] == "cpp_rate_per_10000") & rows["team"].is_not_null()).height
        == 0
    )


def test_a_nested_plan_does_not_hide_the_longer_one():
    # C1: P1 all year, P2 inside it (Jan to Feb 2026). At the end of March only P1 is open.
    data = frames(
        protection_plan=[
            plan("P1", "C1", date(2025, 1, 1), team="T1"),
            plan("P2", "C1", date(2026, 1, 1), date(2026, 3, 1), team="T2"),
        ]
    )
    rows = compute(data, one_period(*YEAR), "cpp_open_at_end")
    assert figure(rows, "cpp_open_at_end", team="North") == (1, None, 1.0)
    assert figure(rows, "cpp_open_at_end", team="South") == (0, None, 0.0)


def test_rate_without_a_child_population_has_no_value():
    data = frames(protection_plan=[plan("P1", "C1", date(2025, 1, 1))])
    rows = compute(data, one_period(*YEAR), "cpp_rate_per_10000")
    assert figure(rows, "cpp_rate_per_10000") == (1, None, None)


def test_repeat_plans():
    data = frames(
        protection_plan=[
            plan("P1", "C1", date(2025, 5, 1), previous=1),  # recorded as a second plan
            # An earlier plan in the data, however long ago, though NumberOfPreviousCPP is 0.
            plan("P0", "C2", date(2012, 1, 1), date(2013, 1, 1)),
            plan("P2", "C2", date(2025, 5, 1), previous=0),
            plan("P3", "C3", date(2025, 5, 1), previous=None),  # first plan
            plan("P4", "C4", date(2025, 5, 1), previous=0),  # first plan
            # Two plans of one child starting the same day: neither is earlier.
            plan("P5", "C5", date(2025, 5, 1)),
            plan("P6", "C5", date(2025, 5, 1)),
        ]
    )
    rows = compute(data, one_period(*YEAR), "cpp_repeat")
    assert figure(rows, "cpp_repeat") == (2, 6, pytest.approx(100 / 3))


def test_repeat_of_an_empty_period_has_no_value():
    rows = compute(frames(protection_plan=[]), one_period(*YEAR), "cpp_repeat")
    assert figure(rows, "cpp_repeat") == (0, 0, None)


DURATIONS = (
    "cpp_ended_3_months_or_less",
    "cpp_ended_3_to_6_months",
    "cpp_ended_6_to_12_months",
    "cpp_ended_1_to_2_years",
    "cpp_ended_2_years_or_more",
)


@pytest.mark.parametrize(
    ("start", "end", "bucket"),
    [
        (date(2025, 1, 15), date(2025, 4, 15), 0),  # exactly start + 3 months
        (date(2025, 1, 15), date(2025, 4, 16), 1),  # a day more
        (date(2024, 11, 30), date(2025, 5, 30), 1),  # exactly + 6 months
        (date(2025, 8, 31), date(2026, 2, 28), 1),  # 31 Aug + 6 months = 28 Feb
        (date(2025, 8, 31), date(2026, 3, 1), 2),
        (date(2024, 6, 1), date(2025, 5, 31), 2),  # a day short of a year
        (date(2024, 6, 1), date(2025, 6, 1), 3),  # exactly a year
        (date(2023, 6, 1), date(2025, 5, 31), 3),  # a day short of 2 years
        (date(2023, 6, 1), date(2025, 6, 1), 4),  # exactly 2 years
        (date(2024, 2, 29), date(2026, 2, 28), 4),  # leap day + 2 years = 28 Feb
        (date(2024, 2, 29), date(2026, 2, 27), 3),
        (date(2020, 1, 1), date(2025, 6, 1), 4),
    ],
)
def test_duration_of_plans_ended(start, end, bucket):
    data = frames(protection_plan=[plan("P1", "C1", start, end)])
    rows = compute(data, one_period(*YEAR), *DURATIONS)
    for index, indicator in enumerate(DURATIONS):
        expected = (1, 1, 100.0) if index == bucket else (0, 1, 0.0)
        assert figure(rows, indicator) == expected, indicator


def test_durations_split_the_plans_ended():
    data = frames(
        protection_plan=[
            plan("P1", "C1", date(2025, 1, 1), date(2025, 4, 1)),
            plan("P2", "C2", date(2023, 1, 1), date(2025, 5, 1)),
            plan("P3", "C3", date(2023, 1, 1), date(2025, 6, 1)),
            plan("P4", "C4", None, date(2025, 7, 1)),  # no start: denominator only
        ]
    )
    rows = compute(data, one_period(*YEAR), *DURATIONS)
    assert figure(rows, "cpp_ended_3_months_or_less") == (1, 4, 25.0)
    assert figure(rows, "cpp_ended_2_years_or_more") == (2, 4, 50.0)
    assert sum(figure(rows, indicator)[0] for indicator in DURATIONS) == 3


def test_durations_of_an_empty_period_have_no_value():
    rows = compute(frames(protection_plan=[]), one_period(*YEAR), *DURATIONS)
    for indicator in DURATIONS:
        assert figure(rows, indicator) == (0, 0, None)
