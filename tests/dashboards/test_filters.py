"""The category and age-band filters, worked by hand."""

from datetime import date

import polars as pl
import pytest

from cpqa.dashboards.filters import (
    ChildFilter,
    age_band_expr,
    age_years_expr,
    child_categories,
    children_matching,
    frames_for_chair,
    frames_for_children,
)

from .frames import child_frame, frame


def ages(born: list, on: date) -> list:
    births = pl.Series("d", born, pl.Date)
    return pl.select(age_years_expr(pl.lit(births), on)).to_series().to_list()


def test_age_in_whole_years():
    on = date(2026, 5, 1)
    born = [date(2016, 5, 1), date(2016, 5, 2), date(2025, 5, 2), date(2026, 5, 1)]
    # 10 on the birthday, 9 the day before it; 0 a day short of a year; 0 on the day of birth.
    assert ages(born, on) == [10, 9, 0, 0]


def test_a_leap_day_birthday():
    born = [date(2020, 2, 29)]
    assert ages(born, date(2021, 2, 28)) == [0]
    assert ages(born, date(2021, 3, 1)) == [1]
    assert ages(born, date(2024, 2, 29)) == [4]


def test_age_bands():
    children = pl.DataFrame(
        {
            "dob": [None, None, date(2027, 1, 1), date(2026, 1, 1), date(2025, 12, 31),
                    date(2022, 1, 1), date(2021, 12, 31), date(2016, 1, 1), date(2010, 1, 1),
                    date(2009, 12, 31)],
            "edd": [date(2026, 3, 1), None, None, None, None, None, None, None, None, None],
        },
        schema={"dob": pl.Date, "edd": pl.Date},
    )  # fmt: skip
    on = date(2025, 12, 31)
    bands = children.select(age_band_expr(pl.col("dob"), pl.col("edd"), on)).to_series()
    assert bands.to_list() == [
        "unborn",  # expected, not yet born
        "not_recorded",  # neither date
        "unborn",  # born after the day
        "unborn",  # born the day after
        "under_1",  # born on the day: 0
        "1_to_4",  # 3
        "1_to_4",  # 4 on the day
        "5_to_9",  # 9
        "10_to_15",  # 15
        "16_and_over",  # 16 on the day
    ]


def test_age_bands_at_their_edges():
    born = [date(2025, 1, 1), date(2024, 12, 31), date(2021, 1, 1), date(2020, 12, 31),
            date(2016, 1, 1), date(2015, 12, 31), date(2010, 1, 1), date(2009, 12, 31)]  # fmt: skip
    children = pl.DataFrame({"dob": born, "edd": [None] * len(born)},
                            schema={"dob": pl.Date, "edd": pl.Date})  # fmt: skip
    on = date(2025, 12, 31)
    bands = children.select(age_band_expr(pl.col("dob"), pl.col("edd"), on)).to_series()
    # Ages on 31 Dec 2025: 0, 1, 4, 5, 9, 10, 15, 16.
    assert bands.to_list() == [
        "under_1",
        "1_to_4",
        "1_to_4",
        "5_to_9",
        "5_to_9",
        "10_to_15",
        "10_to_15",
        "16_and_over",
    ]


PLANS = frame(
    "protection_plan",
    {"ref": "P1", "child": "A", "start_date": date(2024, 1, 1), "end_date": date(2024, 6, 1),
     "initial_category": "NEG", "latest_category": "EMO"},
    {"ref": "P2", "child": "A", "start_date": date(2025, 3, 1), "initial_category": "PHY"},
    {"ref": "P3", "child": "B", "start_date": date(2025, 1, 1), "initial_category": "SAB",
     "latest_category": None},
    {"ref": "P4", "child": "C", "start_date": date(2026, 1, 1), "initial_category": "NEG"},
)  # fmt: skip


def test_a_childs_category_is_that_of_their_latest_plan_by_then():
    on_2024 = child_categories(PLANS, date(2024, 12, 31)).sort("child")
    # A's only plan by then ended, but is still their latest: its latest category.
    assert on_2024.rows() == [("A", "EMO")]
    on_2025 = child_categories(PLANS, date(2025, 12, 31)).sort("child")
    # A's second plan has no latest category: its initial one; C's plan is not yet started.
    assert on_2025.rows() == [("A", "PHY"), ("B", "SAB")]


CHILDREN = child_frame(
    {"ref": "A", "date_of_birth": date(2015, 6, 1), "team": "T1"},
    {"ref": "B", "date_of_birth": date(2024, 6, 1), "team": "T2"},
    {"ref": "C", "expected_date_of_birth": date(2026, 2, 1), "team": "T1"},
)


def test_children_matching_a_category_and_an_age_band():
    data = {"child": CHILDREN, "protection_plan": PLANS}
    on = date(2025, 12, 31)
    assert children_matching(data, ChildFilter(on=on, category="PHY")).to_list() == ["A"]
    assert children_matching(data, ChildFilter(on=on, age_band="1_to_4")).to_list() == ["B"]
    assert children_matching(data, ChildFilter(on=on, age_band="unborn")).to_list() == ["C"]
    both = ChildFilter(on=on, category="SAB", age_band="10_to_15")
    assert children_matching(data, both).to_list() == []


def test_frames_for_children_follow_the_child_and_their_records():
    data = {
        "team": frame("team", {"ref": "T1", "name": "North"}),
        "child": CHILDREN,
        "protection_plan": PLANS,
        "conference": frame(
            "conference",
            {"ref": "K1", "child": "A", "kind": "initial"},
            {"ref": "K2", "child": "B", "kind": "initial"},
        ),
        "conference_attendance": frame(
            "conference_attendance",
            {"ref": "AT1", "conference": "K1", "agency": "police"},
            {"ref": "AT2", "conference": "K2", "agency": "police"},
        ),
        "core_group_meeting": frame(
            "core_group_meeting", {"ref": "M1", "plan": "P2"}, {"ref": "M2", "plan": "P3"}
        ),
    }
    kept = frames_for_children(data, pl.Series(["A"]))
    assert kept["child"].get_column("ref").to_list() == ["A"]
    assert kept["protection_plan"].get_column("ref").to_list() == ["P1", "P2"]
    assert kept["conference"].get_column("ref").to_list() == ["K1"]
    assert kept["conference_attendance"].get_column("ref").to_list() == ["AT1"]
    assert kept["core_group_meeting"].get_column("ref").to_list() == ["M1"]
    assert kept["team"].height == 1  # not about a child: kept whole


def test_frames_for_a_chair():
    data = {
        "conference": frame(
            "conference",
            {"ref": "K1", "child": "A", "chair": "CH1"},
            {"ref": "K2", "child": "B", "chair": "CH2"},
        ),
        "conference_attendance": frame(
            "conference_attendance",
            {"ref": "AT1", "conference": "K1"},
            {"ref": "AT2", "conference": "K2"},
        ),
    }
    kept = frames_for_chair(data, "CH2")
    assert kept["conference"].get_column("ref").to_list() == ["K2"]
    assert kept["conference_attendance"].get_column("ref").to_list() == ["AT2"]


@pytest.mark.parametrize(
    ("category", "age_band", "active", "key"),
    [("", "", False, ()), ("NEG", "", True, ("2025-12-31", "NEG", ""))],
)
def test_a_child_filter_key(category, age_band, active, key):
    child_filter = ChildFilter(on=date(2025, 12, 31), category=category, age_band=age_band)
    assert child_filter.active is active
    assert child_filter.key() == key
