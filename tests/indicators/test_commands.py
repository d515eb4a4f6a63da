"""`cpqa indicators`: JSON, CSV and a table, for the authority and a team."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from cpqa.indicators.management.commands.indicators import BAD_DATE, END_BEFORE_START
from cpqa.indicators.registry import indicators
from cpqa.indicators.selectors import JSON_KEYS

pytestmark = pytest.mark.django_db

JANUARY = ["--from", "2026-01-01", "--to", "2026-01-31"]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def test_json_has_exactly_the_keys(loaded):
    rows = json.loads(run(*JANUARY, "--format", "json"))
    assert len(rows) == sum(max(1, len(i.breakdown_values)) for i in indicators())
    assert all(list(row) == list(JSON_KEYS) for row in rows)
    assert all(row["team"] is None for row in rows)  # the whole authority only
    started = next(row for row in rows if row["indicator"] == "s47_started")
    assert type(started["value"]) is int  # a count is printed as a whole number
    repeat = next(row for row in rows if row["indicator"] == "cpp_repeat")
    assert type(repeat["value"]) is float
    assert started == {
        "indicator": "s47_started",
        "period_start": "2026-01-01",
        "period_end": "2026-01-31",
        "team": None,
        "breakdown": None,
        "numerator": 11,
        "denominator": None,
        "value": 11,
    }


def test_a_team_is_added(loaded):
    rows = json.loads(
        run(*JANUARY, "--team", "North", "--indicator", "s47_started", "--format", "json")
    )
    assert [(row["team"], row["value"]) for row in rows] == [(None, 11), ("North", 3)]


def test_by_month_and_several_indicators(loaded):
    rows = json.loads(
        run(
            "--from",
            "2025-11-15",
            "--to",
            "2026-01-31",
            "--by",
            "month",
            "--indicator",
            "icpc_within_15_working_days",
            "s47_started",
            "--format",
            "json",
        )
    )
    assert [(row["indicator"], row["period_start"], row["value"]) for row in rows] == [
        ("icpc_within_15_working_days", "2025-11-15", None),
        ("icpc_within_15_working_days", "2025-12-01", None),
        ("icpc_within_15_working_days", "2026-01-01", 100.0),
        ("s47_started", "2025-11-15", 0),
        ("s47_started", "2025-12-01", 0),
        ("s47_started", "2026-01-01", 11),
    ]


def test_csv(loaded):
    reader = csv.DictReader(
        io.StringIO(run(*JANUARY, "--indicator", "cpp_repeat", "--format", "csv"))
    )
    assert reader.fieldnames == list(JSON_KEYS)
    (row,) = list(reader)
    assert (row["numerator"], row["denominator"], row["value"], row["team"]) == (
        "0",
        "1",
        "0.0",
        "",
    )


def test_table(loaded):
    text = run(*JANUARY, "--indicator", "s47_started", "icpc_within_15_working_days")
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["Indicator", "From", "To"]
    assert "Whole authority" in lines[1] and lines[1].rstrip().endswith("11")
    assert lines[2].rstrip().endswith("100.0%")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "01/01/2026", "--to", "2026-01-31"], BAD_DATE.format(value="01/01/2026")),
        (["--from", "2026-02-01", "--to", "2026-01-31"], END_BEFORE_START),
        ([*JANUARY, "--indicator", "nonsense"], "There is no indicator called 'nonsense'"),
        ([*JANUARY, "--team", "West"], "There is no team called 'West'."),
    ],
)
def test_errors(loaded, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(*args)
