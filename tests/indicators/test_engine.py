"""The engine: rows for every period, team and breakdown; the records behind them."""

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from cpqa.indicators import definitions
from cpqa.indicators.engine import (
    ROW_COLUMNS,
    columns_needed,
    indicator_records,
    indicators_compute,
)
from cpqa.indicators.registry import KINDS, UNKNOWN_INDICATOR, indicator_get, indicators
from cpqa.indicators.standards import default_standards

from .conftest import compute, context, figure, frames, one_period


def test_every_definition_file_is_registered_in_order():
    folder = Path(definitions.__file__).parent
    files = sorted(path.stem for path in folder.glob("*.py") if path.stem != "__init__")
    assert sorted(definitions.ORDER) == files
    assert [indicator.id for indicator in indicators()] == list(definitions.ORDER)


@pytest.mark.parametrize("indicator", indicators(), ids=lambda indicator: indicator.id)
def test_each_indicator_is_defined_and_reads_known_standards(indicator):
    assert indicator.kind in KINDS
    assert indicator.definition.count(" ") > 10
    assert "Team" in indicator.definition or not indicator.by_team
    catalogue = default_standards()
    for slug in indicator.standards:
        assert indicator.id in catalogue.info[slug].indicators


def test_unknown_indicator():
    with pytest.raises(KeyError) as error:
        indicator_get("nonsense")
    assert error.value.args[0].startswith(UNKNOWN_INDICATOR.format(id="nonsense", choices="")[:30])


def test_rows_cover_every_period_team_and_breakdown_in_order():
    rows = indicators_compute(frames(), context(date(2025, 4, 1), date(2025, 6, 30), "month"))
    assert rows.columns == list(ROW_COLUMNS)
    started = rows.filter(pl.col("indicator") == "cpp_started")
    assert started.height == 3 * 3  # three months: the authority, North, South
    assert started["team"].to_list()[:3] == [None, "North", "South"]
    assert started["period_start"].to_list()[::3] == [
        date(2025, 4, 1),
        date(2025, 5, 1),
        date(2025, 6, 1),
    ]
    assert started["numerator"].to_list() == [0] * 9
    by_category = rows.filter(pl.col("indicator") == "cpp_started_by_category")
    assert by_category.height == 3 * 3 * 6
    repeat = rows.filter(pl.col("indicator") == "cpp_repeat")
    assert repeat["value"].null_count() == repeat.height  # nothing to measure: no value
    assert repeat["denominator"].to_list() == [0] * 9
    assert rows["indicator"].unique(maintain_order=True).to_list() == [i.id for i in indicators()]


def test_the_authority_is_the_sum_of_its_teams_and_of_records_with_no_team():
    data = frames(
        section47=[
            {"ref": "S1", "child": "C1", "team": "T1", "start_date": date(2025, 5, 1)},
            {"ref": "S2", "child": "C2", "team": None, "start_date": date(2025, 5, 1)},
            # A team that is not in the team table: in the whole authority only.
            {"ref": "S3", "child": "C3", "team": "T9", "start_date": date(2025, 5, 1)},
        ]
    )
    rows = compute(data, one_period(date(2025, 5, 1), date(2025, 5, 31)), "s47_started")
    assert figure(rows, "s47_started") == (3, None, 3.0)
    assert figure(rows, "s47_started", team="North") == (1, None, 1.0)
    assert rows.height == 3


def test_records_behind_a_figure():
    data = frames(
        protection_plan=[
            {
                "ref": "P1",
                "child": "C1",
                "team": "T1",
                "start_date": date(2025, 5, 1),
                "previous_plans": 1,
            },
            {
                "ref": "P2",
                "child": "C2",
                "team": "T1",
                "start_date": date(2025, 5, 2),
                "previous_plans": 0,
            },
            {
                "ref": "P3",
                "child": "C3",
                "team": "T2",
                "start_date": date(2025, 5, 3),
                "previous_plans": 2,
            },
        ]
    )
    ctx = one_period(date(2025, 5, 1), date(2025, 5, 31))
    repeat = indicator_get("cpp_repeat")
    numerator = indicator_records(repeat, data, ctx, part="numerator")
    assert numerator["ref"].to_list() == ["P1", "P3"]
    denominator = indicator_records(repeat, data, ctx, part="denominator")
    assert denominator["child"].to_list() == ["C1", "C2", "C3"]
    north = indicator_records(repeat, data, ctx, team_ref="T1", part="numerator")
    assert north["ref"].to_list() == ["P1"]
    assert north["period_end"].to_list() == [date(2025, 5, 31)]
    assert north["previous_plans"].to_list() == [1]


def test_records_of_a_breakdown_value_and_of_shares():
    held = date(2025, 5, 9)
    data = frames(
        conference=[
            {
                "ref": "K1",
                "child": "C1",
                "kind": "review",
                "date_held": held,
                "participation": "PN1",
            },
            {
                "ref": "K2",
                "child": "C2",
                "kind": "review",
                "date_held": held,
                "participation": "PN7",
            },
        ]
    )
    ctx = one_period(date(2025, 5, 1), date(2025, 5, 31))
    share = indicator_get("conference_child_participation")
    assert indicator_records(share, data, ctx, breakdown="PN1")["ref"].to_list() == ["K1"]
    every = indicator_records(share, data, ctx, breakdown="PN1", part="denominator")
    assert every["ref"].to_list() == ["K1", "K2"]


def test_columns_needed_lists_what_the_indicators_read():
    needed = columns_needed()
    assert set(needed["visit"]) == {"ref", "plan", "child", "date", "seen", "seen_alone"}
    assert "professional" not in needed["visit"]
    assert needed["team"] == ("name", "ref")
