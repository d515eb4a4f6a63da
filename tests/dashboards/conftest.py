"""A small authority for the dashboards' tests, with every figure worked out by hand.

Two teams, North (T1) and South (T2). In January 2026:
- 11 section 47 enquiries start on Monday 5 January: N1 to N3 (North), S1 to S8 (South).
  EN1 leads to N1's initial conference on 14 January (chaired by Emma Watson), which
  starts plan P1 (North, neglect); the others are open with no outcome.
- S1 (South) has been on plan P2 (physical abuse) since 3 November 2025, and looked
  after since 1 December 2025; unallocated since 20 January (high risk).
- Visits: N1 seen on Friday 30 January (the last activity: the data stands at 30
  January); S1 seen on 2 January.

At the end of January: 2 children on a plan (1 North, 1 South); seen within the
visiting standard 1 of 2 (50%: S1's visit is 20 working days old).

Due and overdue as at 30 January:
- visits: P2 (S1), due 16 January, 14 days overdue;
- reviews: P2, first review due 3 February (4 days left);
- initial conferences: EN2, EN3, ES1 to ES8 (19 working days since 5 January), due
  26 January, 4 days overdue;
- core groups: P1 (conference 14 January, due 28 January, 2 days overdue) and P2
  (no conference: its start, 3 November, due 17 November, 74 days overdue);
- publication: K1's minutes, due 4 February (5 days left);
- unallocated: U1 (S1, high risk, 10 days).
"""

from datetime import date
from types import SimpleNamespace

import polars as pl
import pytest
from django.core.cache import caches

from cpqa.casework.models import Team
from cpqa.casework.schema import empty_frame
from cpqa.dashboards import selectors

JANUARY = date(2026, 1, 1)
AS_AT = date(2026, 1, 30)
NORTH_CHILDREN = ["N1", "N2", "N3"]
SOUTH_CHILDREN = [f"S{n}" for n in range(1, 9)]
CHILD_REFS = [*NORTH_CHILDREN, *SOUTH_CHILDREN]


def frame(table: str, *rows: dict) -> pl.DataFrame:
    schema = empty_frame(table).schema
    return pl.DataFrame([{name: row.get(name) for name in schema} for row in rows], schema=schema)


def service_frames() -> dict[str, pl.DataFrame]:
    children = [
        {"ref": ref, "sex": "F", "date_of_birth": date(2016, 5, 1)} for ref in NORTH_CHILDREN
    ] + [{"ref": ref, "sex": "M", "date_of_birth": date(2020, 3, 1)} for ref in SOUTH_CHILDREN]
    enquiries = [
        {"ref": f"E{ref}", "child": ref, "team": "T1" if ref in NORTH_CHILDREN else "T2",
         "start_date": date(2026, 1, 5), "outcome": "icpc" if ref == "N1" else None,
         "end_date": date(2026, 1, 14) if ref == "N1" else None}
        for ref in CHILD_REFS
    ]  # fmt: skip
    return {
        "team": frame("team", {"ref": "T1", "name": "North"}, {"ref": "T2", "name": "South"}),
        "professional": frame(
            "professional",
            {"ref": "CH1", "name": "Emma Watson", "role": "conference_chair"},
            {"ref": "CH2", "name": "Sam Kaur", "role": "conference_chair"},
        ),
        "child": frame("child", *children),
        "section47": frame("section47", *enquiries),
        "protection_plan": frame(
            "protection_plan",
            {"ref": "P1", "child": "N1", "team": "T1", "start_date": date(2026, 1, 14),
             "initial_category": "NEG", "latest_category": "NEG", "previous_plans": 0},
            {"ref": "P2", "child": "S1", "team": "T2", "start_date": date(2025, 11, 3),
             "initial_category": "PHY", "latest_category": "PHY", "previous_plans": 0},
        ),
        "conference": frame(
            "conference",
            {"ref": "K1", "child": "N1", "kind": "initial", "section47": "EN1", "plan": "P1",
             "team": "T1", "date_held": date(2026, 1, 14), "chair": "CH1", "quorate": True,
             "decision_published": date(2026, 1, 14)},
        ),
        "visit": frame(
            "visit",
            {"ref": "V1", "plan": "P1", "child": "N1", "date": date(2026, 1, 30), "seen": True},
            {"ref": "V2", "plan": "P2", "child": "S1", "date": date(2026, 1, 2), "seen": True},
        ),
        "looked_after_episode": frame(
            "looked_after_episode", {"ref": "L1", "child": "S1", "start_date": date(2025, 12, 1)}
        ),
        "unallocated_episode": frame(
            "unallocated_episode",
            {"ref": "U1", "child": "S1", "team": "T2", "from_date": date(2026, 1, 20),
             "risk": "high"},
        ),
    }  # fmt: skip


@pytest.fixture(autouse=True)
def _empty_caches():
    caches["indicators"].clear()
    selectors._FRAMES.clear()
    yield
    caches["indicators"].clear()
    selectors._FRAMES.clear()


@pytest.fixture
def service(authority):
    from cpqa.casework.services import facts_load

    facts_load(authority=authority, frames=service_frames())
    return SimpleNamespace(
        authority=authority,
        north=Team.objects.get(authority=authority, ref="T1"),
        south=Team.objects.get(authority=authority, ref="T2"),
    )
