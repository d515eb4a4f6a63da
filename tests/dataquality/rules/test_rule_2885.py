from cpqa.dataquality.rules import rule_2885
from tests.dataquality.frames import refs, run

PLANS = [
    {"ref": "P1", "child": "C1", "episode": "E1", "start_date": "2024-07-01"},
    {"ref": "P2", "child": "C2", "episode": "E2", "start_date": "2024-07-02"},
    {"ref": "P3", "child": "C3", "episode": "E3", "start_date": "2024-03-28"},
    {"ref": "P4", "child": "C4", "episode": "E4", "start_date": "2025-03-31"},
    {"ref": "P5", "child": "C5", "episode": "E5", "start_date": "2024-09-02"},
    {"ref": "P6", "child": "C6", "episode": "E6", "start_date": "2024-09-02"},
    {"ref": "P7", "child": "C7", "episode": "E7", "start_date": None},
    {"ref": "P8", "child": "C8", "episode": "E8", "start_date": "2024-10-01"},
]
CONFERENCES = [
    # P1: an enquiry's initial conference on the day.
    {"ref": "CF1", "child": "C1", "kind": "initial", "section47": "S1", "episode": "E1",
     "date_held": "2024-07-01"},
    # P2: the conference was the day before.
    {"ref": "CF2", "child": "C2", "kind": "initial", "section47": "S2", "episode": "E2",
     "date_held": "2024-07-01"},
    # P5: a transfer-in conference on the day.
    {"ref": "CF5", "child": "C5", "kind": "transfer_in", "episode": "E5", "plan": "P5",
     "date_held": "2024-09-02"},
    # P6: a conference on the day, but in another episode.
    {"ref": "CF6", "child": "C6", "kind": "initial", "episode": "E60", "date_held": "2024-09-02"},
    # P8: a review on the day is not an initial conference.
    {"ref": "CF8", "child": "C8", "kind": "review", "plan": "P8", "date_held": "2024-10-01"},
]  # fmt: skip


def test_plans_in_the_year_need_an_initial_conference_that_day_in_their_episode():
    found = run(rule_2885, protection_plan=PLANS, conference=CONFERENCES)
    # P3 starts before the year, P7 has no start date: not checked.
    assert refs(found) == ["P2", "P4", "P6", "P8"]
    assert set(found["field"]) == {"start_date"}
