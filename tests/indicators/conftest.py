"""Helpers for hand-worked indicator examples: small canonical frames and a lookup."""

from datetime import date

import polars as pl
import pytest
from django.core.cache import caches

from cpqa.casework.schema import empty_frame
from cpqa.core.periods import Period, periods_between
from cpqa.indicators.context import Context
from cpqa.indicators.engine import indicators_compute
from cpqa.indicators.standards import default_standards


def frame(table: str, *rows: dict) -> pl.DataFrame:
    """A canonical frame of the table with these rows (missing columns are null)."""
    schema = empty_frame(table).schema
    return pl.DataFrame([{name: row.get(name) for name in schema} for row in rows], schema=schema)


TEAMS = frame(
    "team",
    {"ref": "T1", "name": "North"},
    {"ref": "T2", "name": "South"},
)


def frames(**tables: list[dict]) -> dict[str, pl.DataFrame]:
    """Frames for the tables given, plus the two teams North (T1) and South (T2)."""
    result = {"team": TEAMS}
    for table, rows in tables.items():
        result[table] = frame(table, *rows)
    return result


def context(start: date, end: date, by: str = "none", **kwargs) -> Context:
    kwargs.setdefault("standards", default_standards())
    return Context(periods=periods_between(start, end, by), **kwargs)


def one_period(start: date, end: date, **kwargs) -> Context:
    kwargs.setdefault("standards", default_standards())
    return Context(periods=[Period(start, end)], **kwargs)


def compute(data: dict, ctx: Context, *ids: str) -> pl.DataFrame:
    return indicators_compute(data, ctx, list(ids))


def figure(
    rows: pl.DataFrame,
    indicator: str,
    *,
    team: str | None = None,
    breakdown: str | None = None,
    period_start: date | None = None,
) -> tuple:
    """(numerator, denominator, value) of one row."""
    selected = rows.filter(pl.col("indicator") == indicator)
    selected = selected.filter(pl.col("team").is_null() if team is None else pl.col("team") == team)
    selected = selected.filter(
        pl.col("breakdown").is_null() if breakdown is None else pl.col("breakdown") == breakdown
    )
    if period_start is not None:
        selected = selected.filter(pl.col("period_start") == period_start)
    assert selected.height == 1, selected
    row = selected.row(0, named=True)
    return row["numerator"], row["denominator"], row["value"]


@pytest.fixture(autouse=True)
def _empty_indicator_cache():
    caches["indicators"].clear()
    yield
    caches["indicators"].clear()


JANUARY_2026 = {"from": "2026-01-01", "to": "2026-01-31"}


def service_data(extra_enquiries: int = 0) -> dict[str, pl.DataFrame]:
    """A small authority: North (T1) has 3 enquiries in January 2026, South (T2) 8.

    C1 (North) is on a plan, with an initial conference on 14 January.
    """
    north = [f"N{n}" for n in range(1, 4)]
    south = [f"S{n}" for n in range(1, 9 + extra_enquiries)]
    children = [{"ref": ref, "sex": "F"} for ref in [*north, *south]]
    enquiries = [
        {"ref": f"E{ref}", "child": ref, "team": "T1" if ref in north else "T2",
         "start_date": date(2026, 1, 5)}
        for ref in [*north, *south]
    ]  # fmt: skip
    return {
        "team": TEAMS,
        "child": frame("child", *children),
        "section47": frame("section47", *enquiries),
        "protection_plan": frame(
            "protection_plan",
            {"ref": "P1", "child": "N1", "team": "T1", "start_date": date(2026, 1, 14),
             "initial_category": "NEG", "previous_plans": 0},
        ),
        "conference": frame(
            "conference",
            {"ref": "K1", "child": "N1", "kind": "initial", "section47": "EN1", "plan": "P1",
             "team": "T1", "date_held": date(2026, 1, 14)},
        ),
    }  # fmt: skip


@pytest.fixture
def loaded(authority):
    from cpqa.casework.services import facts_load

    facts_load(authority=authority, frames=service_data())
    return authority


@pytest.fixture
def north(loaded):
    from cpqa.casework.models import Team

    return Team.objects.get(authority=loaded, ref="T1")
