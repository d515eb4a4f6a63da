"""Small-number suppression, worked by hand."""

from datetime import date

import pytest

from cpqa.indicators.suppression import (
    FEWER_THAN_5,
    WITHHELD,
    Relation,
    complementary,
    is_small,
    suppress_rows,
    suppressed_label,
)

START, END = date(2025, 4, 1), date(2025, 4, 30)


@pytest.mark.parametrize(
    ("value", "small"), [(0, False), (1, True), (4, True), (5, False), (None, False)]
)
def test_small_is_1_to_4(value, small):
    assert is_small(value) is small


def test_one_suppressed_team_takes_the_next_smallest_with_it():
    values = {"all": 25, "A": 3, "B": 10, "C": 12}
    relation = Relation("all", ("A", "B", "C"))
    assert complementary(values, {"A"}, [relation]) == {"A", "B"}


def test_a_zero_is_not_the_complement_when_a_non_zero_figure_is_there():
    values = {"all": 23, "A": 3, "B": 0, "C": 20}
    relation = Relation("all", ("A", "B", "C"))
    assert complementary(values, {"A"}, [relation]) == {"A", "C"}


def test_two_suppressed_figures_need_no_more():
    values = {"all": 30, "A": 3, "B": 2, "C": 25}
    assert complementary(values, {"A", "B"}, [Relation("all", ("A", "B", "C"))]) == {"A", "B"}


def test_a_small_number_of_records_with_no_team_is_protected_too():
    # 24 in all, 10 and 12 in the teams: the 2 with no team would be worked out.
    values = {"all": 24, "A": 10, "B": 12}
    relation = Relation("all", ("A", "B"), residual=2)
    assert complementary(values, set(), [relation]) == {"A"}


def test_with_only_one_team_the_total_goes():
    values = {"all": 3, "A": 3}
    assert complementary(values, {"A"}, [Relation("all", ("A",))]) == {"A", "all"}


def test_suppression_spreads_across_relations():
    # Rows: teams A and B; columns: two categories X and Y, with totals.
    values = {"A": 12, "B": 20, "AX": 10, "AY": 2, "BX": 10, "BY": 10, "X": 20, "Y": 12, "all": 32}
    relations = [
        Relation("A", ("AX", "AY")),
        Relation("B", ("BX", "BY")),
        Relation("X", ("AX", "BX")),
        Relation("Y", ("AY", "BY")),
        Relation("all", ("A", "B")),
    ]
    hidden = complementary(values, {"AY"}, relations)
    # AY takes AX (row A) and BY (column Y); BY then takes BX (row B); AX and BX share X.
    assert hidden == {"AY", "AX", "BY", "BX"}
    for relation in relations:
        members = [relation.total, *relation.parts]
        assert sum(cell in hidden for cell in members) != 1


def row(indicator, team, numerator, denominator=None, value=None, breakdown=None):
    return {
        "indicator": indicator,
        "period_start": START,
        "period_end": END,
        "team_ref": team,
        "team": team,
        "breakdown": breakdown,
        "numerator": numerator,
        "denominator": denominator,
        "value": float(numerator) if value is None and denominator is None else value,
    }


def by_team(rows):
    return {(r["indicator"], r["team_ref"], r["breakdown"]): r for r in rows}


def test_counts_shown_as_fewer_than_5_and_their_complement():
    rows = [
        row("s47_started", None, 25),
        row("s47_started", "T1", 3),
        row("s47_started", "T2", 10),
        row("s47_started", "T3", 12),
    ]
    result = by_team(suppress_rows(rows, kinds={"s47_started": "count"}))
    small = result[("s47_started", "T1", None)]
    assert (small["value"], small["numerator"], small["suppressed"]) == (None, None, True)
    assert suppressed_label(small) == FEWER_THAN_5
    complement = result[("s47_started", "T2", None)]
    assert complement["value"] is None and suppressed_label(complement) == WITHHELD
    assert result[("s47_started", "T3", None)]["value"] == 12.0
    assert result[("s47_started", None, None)]["value"] == 25.0
    assert result[("s47_started", "T3", None)]["suppressed"] is False


def test_zero_is_shown():
    rows = [row("s47_started", None, 0), row("s47_started", "T1", 0)]
    result = suppress_rows(rows, kinds={"s47_started": "count"})
    assert [r["value"] for r in result] == [0.0, 0.0]


def test_percentages():
    kinds = {"cpp_repeat": "percentage"}
    rows = [
        row("cpp_repeat", None, 12, 64, 18.75),
        row("cpp_repeat", "T1", 1, 3, 100 / 3),  # denominator from 1 to 4: all withheld
        row("cpp_repeat", "T2", 2, 40, 5.0),  # numerator from 1 to 4: it and the value
        row("cpp_repeat", "T3", 9, 21, 9 / 21 * 100),
    ]
    result = by_team(suppress_rows(rows, kinds=kinds))
    t1, t2, t3 = (result[("cpp_repeat", team, None)] for team in ("T1", "T2", "T3"))
    assert (t1["numerator"], t1["denominator"], t1["value"]) == (None, None, None)
    assert (t2["numerator"], t2["denominator"], t2["value"]) == (None, 40, None)
    # T1's denominator (3) could be worked out from 64 - 40 - 21: T3's goes too (the
    # smallest other), and with it its numerator and value.
    assert (t3["numerator"], t3["denominator"], t3["value"]) == (None, None, None)
    assert result[("cpp_repeat", None, None)]["value"] == 18.75


def test_a_denominator_that_is_another_count_is_suppressed_with_it():
    kinds = {"cpp_started": "count", "cpp_repeat": "percentage"}
    rows = [
        row("cpp_started", None, 30),
        row("cpp_started", "T1", 3),
        row("cpp_started", "T2", 27),
        row("cpp_repeat", None, 10, 30, 100 / 3),
        row("cpp_repeat", "T1", 0, 3, 0.0),
        row("cpp_repeat", "T2", 10, 27, 1000 / 27),
    ]
    result = by_team(suppress_rows(rows, kinds=kinds, denominator_of={"cpp_repeat": "cpp_started"}))
    assert result[("cpp_started", "T1", None)]["value"] is None
    assert result[("cpp_repeat", "T1", None)]["value"] is None
    assert result[("cpp_repeat", "T2", None)]["value"] is None  # the complement
    assert result[("cpp_repeat", None, None)]["value"] == pytest.approx(100 / 3)


def test_a_breakdown_adds_up_to_its_parent():
    kinds = {"cpp_started": "count", "cpp_started_by_category": "count"}
    by = "cpp_started_by_category"
    rows = [
        row("cpp_started", None, 12),
        row(by, None, 10, breakdown="NEG"),
        row(by, None, 2, breakdown="PHY"),
        row(by, None, 0, breakdown="SAB"),
    ]
    result = by_team(suppress_rows(rows, kinds=kinds, part_of={by: "cpp_started"}))
    assert result[(by, None, "PHY")]["value"] is None
    assert result[(by, None, "NEG")]["value"] is None  # else 12 - 10 gives PHY away
    assert result[(by, None, "SAB")]["value"] == 0.0
    assert result[("cpp_started", None, None)]["value"] == 12.0


def test_shares_add_up_to_their_denominator():
    kinds = {"share": "percentage"}
    rows = [
        row("share", None, 18, 20, 90.0, breakdown="PN1"),
        row("share", None, 2, 20, 10.0, breakdown="PN7"),
        row("share", None, 0, 20, 0.0, breakdown="PN0"),
    ]
    result = by_team(suppress_rows(rows, kinds=kinds, shares=["share"]))
    assert result[("share", None, "PN7")]["value"] is None
    assert result[("share", None, "PN1")]["value"] is None  # 20 - 18 = 2
    assert result[("share", None, "PN0")]["value"] == 0.0


def test_a_rate_of_a_small_count_is_withheld():
    kinds = {"cpp_open_at_end": "count", "cpp_rate_per_10000": "rate"}
    rows = [
        row("cpp_open_at_end", None, 3),
        row("cpp_rate_per_10000", None, 3, 60_000, 0.5),
    ]
    result = by_team(
        suppress_rows(rows, kinds=kinds, part_of={"cpp_rate_per_10000": "cpp_open_at_end"})
    )
    rate = result[("cpp_rate_per_10000", None, None)]
    assert (rate["numerator"], rate["denominator"], rate["value"]) == (None, 60_000, None)
