"""A small hand-built authority for the reports, with every figure worked out by hand.

Teams North (T1) and South (T2). The month the tests report on is September 2025
(so that the clock of any machine running the tests is past it); its quarter is
Q2 2025-26 (July to September 2025).

Section 47 enquiries started: July 2025 North 4, South 6 (10); August 2025 North
5, South 7 (12); September 2025 North 2 (N1, N2), South 1 (S1) (3).

Initial conferences in September 2025 (working days d with start < d <= date):
  K1 N1 North: enquiry 1 Sep, conference 12 Sep: 9 working days, in time;
     decision published 12 Sep (0 working days, in time).
  K2 N2 North: enquiry 2 Sep, conference 30 Sep: 20 working days, late;
     decision published 3 Oct (3 working days, late).
  K3 S1 South: enquiry 3 Sep, conference 10 Sep: 5 working days, in time;
     decision published 11 Sep (1 working day, in time).
  Within 15 working days: North 1 of 2 (50.0%, red), South 1 of 1 (100.0%,
  green), authority 2 of 3 (66.7%, red: amber from 75%). Decisions likewise.
  Attendance: K1 police yes, health visitor no ("Clash with another meeting"),
  school yes; K2 police no ("Not invited in time"), health visitor no ("Clash
  with another meeting"); K3 police yes, school yes; children's social care at
  all three. Police 2 of 3 (66.7%, low), health visitor 0 of 2 (low), school
  2 of 2. Quorate (social care and 2 others): K1 and K3, not K2.

Plans: P-N0 (N0, North) from 3 Mar 2025, open, reviewed 20 May 2025; P-S0
(S0, South) 2 Jun 2025 to 15 Sep 2025; P-N1 (N1) from 12 Sep, P-N2 (N2) from
30 Sep, P-S1 (S1, South) from 10 Sep. On a plan at the end of August: North 1,
South 1 (2). Started in September: North 2, South 1 (3). Ended: South 1 (1).
On a plan at the end of September: North 3, South 1 (4).

Unallocated at the end of September: N0 (North) since 22 Sep, 8 days, high
risk, others involved, review of the decision due 29 Sep (overdue); S1 (South)
since 25 Sep, 5 days, low risk, nobody else involved, no decision recorded. N1
was unallocated from 13 to 20 Sep only.

Staffing (1 Sep 2025 snapshots): North establishment 8, filled 6.5, vacant social
worker 1, assistant team manager 0.5, agency 2; South 8, 7.5, 0.5, 0, agency 1.
(A North snapshot of 1 Oct 2025 is later than September and not used.) Social
workers: W1 North FTE 1, W2 North FTE 0.5, W3 South FTE 1. Allocations open at
the end of September: W1 N0 and N1, W2 N2 (W2's N1 ended 20 Sep), W3 S0. North 3
children on 1.5 FTE (2.0 per FTE, most for one worker 2); South 1 on 1 FTE.
"""

from datetime import date

import polars as pl
import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from cpqa.casework.schema import empty_frame

SEPTEMBER = "2025-09"
QUARTER = "2025-26Q2"
TODAY = date(2025, 11, 20)


def frame(table: str, *rows: dict) -> pl.DataFrame:
    schema = empty_frame(table).schema
    return pl.DataFrame([{name: row.get(name) for name in schema} for row in rows], schema=schema)


def _enquiries(month: int, team: str, count: int, prefix: str) -> list[dict]:
    return [
        {
            "ref": f"E{prefix}{n}",
            "child": f"{prefix}{n}",
            "team": team,
            "start_date": date(2025, month, 1 + n),
            "outcome": "nfa",
        }
        for n in range(1, count + 1)
    ]


def fenshire() -> dict[str, pl.DataFrame]:
    extra = [
        *_enquiries(7, "T1", 4, "JN"),
        *_enquiries(7, "T2", 6, "JS"),
        *_enquiries(8, "T1", 5, "AN"),
        *_enquiries(8, "T2", 7, "AS"),
    ]
    named = ["N0", "N1", "N2", "S0", "S1"]
    children = [{"ref": ref, "sex": "F", "date_of_birth": date(2015, 1, 1)} for ref in named]
    children += [{"ref": row["child"], "sex": "M"} for row in extra]
    september = [
        {"ref": "EN1", "child": "N1", "team": "T1", "start_date": date(2025, 9, 1),
         "outcome": "icpc"},
        {"ref": "EN2", "child": "N2", "team": "T1", "start_date": date(2025, 9, 2),
         "outcome": "icpc"},
        {"ref": "ES1", "child": "S1", "team": "T2", "start_date": date(2025, 9, 3),
         "outcome": "icpc"},
    ]  # fmt: skip
    plans = [
        {"ref": "P-N0", "child": "N0", "team": "T1", "start_date": date(2025, 3, 3),
         "initial_category": "NEG", "previous_plans": 0},
        {"ref": "P-S0", "child": "S0", "team": "T2", "start_date": date(2025, 6, 2),
         "end_date": date(2025, 9, 15), "initial_category": "NEG", "previous_plans": 0},
        {"ref": "P-N1", "child": "N1", "team": "T1", "start_date": date(2025, 9, 12),
         "initial_category": "NEG", "previous_plans": 0},
        {"ref": "P-N2", "child": "N2", "team": "T1", "start_date": date(2025, 9, 30),
         "initial_category": "EMO", "previous_plans": 0},
        {"ref": "P-S1", "child": "S1", "team": "T2", "start_date": date(2025, 9, 10),
         "initial_category": "PHY", "previous_plans": 0},
    ]  # fmt: skip
    conferences = [
        {"ref": "K1", "child": "N1", "kind": "initial", "section47": "EN1", "plan": "P-N1",
         "team": "T1", "date_held": date(2025, 9, 12), "decision_published": date(2025, 9, 12),
         "minutes_published": date(2025, 9, 19), "parents_attended": True},
        {"ref": "K2", "child": "N2", "kind": "initial", "section47": "EN2", "plan": "P-N2",
         "team": "T1", "date_held": date(2025, 9, 30), "decision_published": date(2025, 10, 3),
         "parents_attended": False},
        {"ref": "K3", "child": "S1", "kind": "initial", "section47": "ES1", "plan": "P-S1",
         "team": "T2", "date_held": date(2025, 9, 10), "decision_published": date(2025, 9, 11),
         "minutes_published": date(2025, 9, 17), "parents_attended": True},
        {"ref": "R0", "child": "N0", "kind": "review", "plan": "P-N0", "team": "T1",
         "date_held": date(2025, 5, 20), "decision_published": date(2025, 5, 20)},
    ]  # fmt: skip

    def attendance(ref, conference, agency, attended, reason=""):
        return {"ref": ref, "conference": conference, "agency": agency, "invited": True,
                "attended": attended, "non_attendance_reason": reason}  # fmt: skip

    clash = "Clash with another meeting"
    attendances = [
        attendance("A1", "K1", "childrens_social_care", True),
        attendance("A2", "K1", "police", True),
        attendance("A3", "K1", "health_visitor", False, clash),
        attendance("A4", "K1", "school", True),
        attendance("A5", "K2", "childrens_social_care", True),
        attendance("A6", "K2", "police", False, "Not invited in time"),
        attendance("A7", "K2", "health_visitor", False, clash),
        attendance("A8", "K3", "childrens_social_care", True),
        attendance("A9", "K3", "police", True),
        attendance("A10", "K3", "school", True),
    ]
    unallocated = [
        {"ref": "U1", "child": "N0", "team": "T1", "from_date": date(2025, 9, 22),
         "risk": "high", "others_involved": True,
         "decision": "Allocate to the next social worker free",
         "decision_review_date": date(2025, 9, 29)},
        {"ref": "U2", "child": "S1", "team": "T2", "from_date": date(2025, 9, 25),
         "risk": "low", "others_involved": False},
        {"ref": "U0", "child": "N1", "team": "T1", "from_date": date(2025, 9, 13),
         "to_date": date(2025, 9, 20), "risk": "medium", "others_involved": True},
    ]  # fmt: skip
    professionals = [
        {"ref": "W1", "name": "Worker One", "role": "social_worker", "team": "T1", "fte": 1.0},
        {"ref": "W2", "name": "Worker Two", "role": "social_worker", "team": "T1", "fte": 0.5},
        {"ref": "W3", "name": "Worker Three", "role": "social_worker", "team": "T2", "fte": 1.0},
        {"ref": "TM1", "name": "Manager One", "role": "team_manager", "team": "T1", "fte": 1.0},
    ]
    involvements = [
        {"ref": "I1", "child": "N0", "professional": "W1", "team": "T1",
         "start_date": date(2025, 3, 3)},
        {"ref": "I2", "child": "N1", "professional": "W1", "team": "T1",
         "start_date": date(2025, 9, 12)},
        {"ref": "I3", "child": "N1", "professional": "W2", "team": "T1",
         "start_date": date(2025, 9, 12), "end_date": date(2025, 9, 20)},
        {"ref": "I4", "child": "N2", "professional": "W2", "team": "T1",
         "start_date": date(2025, 9, 30)},
        {"ref": "I5", "child": "S0", "professional": "W3", "team": "T2",
         "start_date": date(2025, 6, 2)},
        {"ref": "I6", "child": "N0", "professional": "TM1", "team": "T1",
         "start_date": date(2025, 3, 3)},
    ]  # fmt: skip

    def snapshot(ref, team, month, filled, vacant_sw, vacant_atm, agency):
        return {"ref": ref, "team": team, "month": month, "establishment_fte": 8.0,
                "filled_fte": filled, "vacant_social_worker": vacant_sw,
                "vacant_assistant_team_manager": vacant_atm, "vacant_team_manager": 0.0,
                "agency_staff": agency}  # fmt: skip

    staffing = [
        snapshot("SN-9", "T1", date(2025, 9, 1), 6.5, 1.0, 0.5, 2.0),
        snapshot("SS-9", "T2", date(2025, 9, 1), 7.5, 0.5, 0.0, 1.0),
        snapshot("SN-10", "T1", date(2025, 10, 1), 3.0, 5.0, 0.0, 0.0),
    ]
    return {
        "team": frame("team", {"ref": "T1", "name": "North"}, {"ref": "T2", "name": "South"}),
        "professional": frame("professional", *professionals),
        "child": frame("child", *children),
        "section47": frame("section47", *september, *extra),
        "protection_plan": frame("protection_plan", *plans),
        "conference": frame("conference", *conferences),
        "conference_attendance": frame("conference_attendance", *attendances),
        "unallocated_episode": frame("unallocated_episode", *unallocated),
        "staffing_snapshot": frame("staffing_snapshot", *staffing),
        "involvement": frame("involvement", *involvements),
    }


@pytest.fixture(autouse=True, scope="session")
def _charts_drawn_once():
    """Charts are cached by what they are drawn from (so across data changes too): keep them
    for the whole session, while the indicator results are emptied for every test."""
    charts = LocMemCache("cpqa-test-report-charts", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("cpqa.reports.builders.common._cache", lambda: charts)
        yield


@pytest.fixture(autouse=True)
def _empty_caches():
    caches["indicators"].clear()
    yield
    caches["indicators"].clear()


def fenshire_load(authority):
    """Load the data above into the authority, as one import run."""
    import uuid

    from django.utils import timezone

    from cpqa.casework.services import facts_load
    from cpqa.ingest.models import ImportFormat, ImportOutcome, ImportRun

    run = ImportRun.objects.create(
        authority=authority,
        batch=uuid.uuid4(),
        format=ImportFormat.LOCAL,
        source="fenshire",
        file_name="fenshire.xlsx",
        sha256="0" * 64,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        outcome=ImportOutcome.ACCEPTED,
        period_start=date(2025, 3, 1),
        period_end=date(2025, 10, 3),
    )
    facts_load(authority=authority, frames=fenshire(), import_run=run)
    authority.child_population = 10_000
    authority.save(update_fields=["child_population"])
    return authority


@pytest.fixture
def loaded(authority):
    """The authority with the data above, imported as one run."""
    return fenshire_load(authority)


@pytest.fixture
def teams(loaded):
    from cpqa.casework.models import Team

    return {team.name: team for team in Team.objects.filter(authority=loaded)}
