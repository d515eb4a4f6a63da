from cpqa.dataquality.rules import rule_4003
from tests.dataquality.frames import refs, run

PLANS = [
    {"ref": "P1", "child": "C1", "episode": "E1", "start_date": "2024-04-10", "end_date": None},
    {"ref": "P2", "child": "C2", "episode": "E2", "start_date": "2024-01-10",
     "end_date": "2024-05-01"},
    {"ref": "P3", "child": "C3", "episode": "E3", "start_date": "2024-04-10", "end_date": None},
]  # fmt: skip
CIN_PLANS = [
    {"ref": "CIN1", "child": "C1", "episode": "E1", "start_date": "2024-05-01",
     "end_date": "2024-09-01"},
    {"ref": "CIN2", "child": "C2", "episode": "E2", "start_date": "2024-05-01", "end_date": None},
    {"ref": "CIN3", "child": "C3", "episode": "E30", "start_date": "2024-05-01", "end_date": None},
]  # fmt: skip


def review(ref, child, plan, day, kind="review"):
    return {"ref": ref, "child": child, "kind": kind, "plan": plan, "date_held": day}


def check(*conferences):
    return run(rule_4003, protection_plan=PLANS, cin_plan=CIN_PLANS, conference=list(conferences))


def test_a_review_while_a_cin_plan_is_open_fails():
    found = check(review("R1", "C1", "P1", "2024-06-15"))
    assert refs(found) == ["R1"]
    assert found.row(0, named=True)["detail"] == "CIN plan CIN1 open from 2024-05-01"


def test_the_cin_plan_start_day_counts_and_its_end_day_does_not():
    assert refs(check(review("R1", "C1", "P1", "2024-05-01"))) == ["R1"]
    assert check(review("R1", "C1", "P1", "2024-09-01")).height == 0
    assert check(review("R1", "C1", "P1", "2024-04-30")).height == 0


def test_the_review_that_ends_the_plan_on_the_day_the_cin_plan_starts_passes():
    assert check(review("R2", "C2", "P2", "2024-05-01")).height == 0


def test_an_open_cin_plan_is_open_for_ever_after_its_start():
    assert refs(check(review("R2", "C2", "P2", "2024-12-01"))) == ["R2"]


def test_a_cin_plan_in_another_episode_or_a_conference_that_is_not_a_review_passes():
    assert check(review("R3", "C3", "P3", "2024-06-01")).height == 0
    assert check(review("I1", "C1", "P1", "2024-06-15", kind="initial")).height == 0
