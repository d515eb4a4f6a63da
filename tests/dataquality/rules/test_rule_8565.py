import polars as pl

from cpqa.dataquality.rules import rule_8565
from tests.dataquality.frames import run

EPISODES = [
    {"ref": "E1", "child": "C1", "referral_date": "2024-05-01", "closure_date": "2024-10-01"},
    {"ref": "E2", "child": "C1", "referral_date": "2024-05-01", "closure_date": None},
]


def check(**tables):
    tables = {
        "cin_episode": EPISODES,
        "assessment": [],
        "section47": [],
        "protection_plan": [],
        "cin_plan": [],
        "conference": [],
        **tables,
    }
    found = run(rule_8565, **tables)
    return sorted(found.select("table", "ref", "field").iter_rows())


def test_every_kind_of_activity_after_the_closure_date_is_reported():
    found = check(
        assessment=[
            {"ref": "A1", "child": "C1", "episode": "E1", "start_date": "2024-09-01",
             "authorisation_date": "2024-10-02"},
            {"ref": "A2", "child": "C1", "episode": "E1", "start_date": "2024-10-02"},
        ],
        section47=[{"ref": "S1", "child": "C1", "episode": "E1", "start_date": "2024-10-02"}],
        protection_plan=[
            {"ref": "P1", "child": "C1", "episode": "E1", "start_date": "2024-06-01",
             "end_date": "2024-10-05"},
        ],
        cin_plan=[
            {"ref": "CIN1", "child": "C1", "episode": "E1", "start_date": "2024-10-03"},
            {"ref": "CIN2", "child": "C1", "episode": "E1", "start_date": "2024-09-01",
             "end_date": "2024-10-03"},
        ],
        conference=[
            {"ref": "CF1", "child": "C1", "kind": "initial", "section47": "S1",
             "date_held": "2024-10-02"},
        ],
    )  # fmt: skip
    assert found == [
        ("assessment", "A1", "authorisation_date"),
        ("assessment", "A2", "start_date"),
        ("cin_plan", "CIN1", "start_date"),
        ("cin_plan", "CIN2", "end_date"),
        ("conference", "CF1", "date_held"),
        ("protection_plan", "P1", "end_date"),
        ("section47", "S1", "start_date"),
    ]


def test_activity_on_the_closure_date_passes():
    found = check(
        assessment=[
            {"ref": "A1", "child": "C1", "episode": "E1", "start_date": "2024-09-01",
             "authorisation_date": "2024-10-01"},
        ],
        protection_plan=[
            {"ref": "P1", "child": "C1", "episode": "E1", "start_date": "2024-06-01",
             "end_date": "2024-10-01"},
        ],
    )  # fmt: skip
    assert found == []


def test_an_open_episode_or_another_episode_is_not_concerned():
    found = check(
        section47=[
            {"ref": "S1", "child": "C1", "episode": "E2", "start_date": "2024-12-01"},
            {"ref": "S2", "child": "C1", "episode": None, "start_date": "2024-12-01"},
        ],
        protection_plan=[
            # A plan's start date is not in the rule's list; an open plan has no end date.
            {"ref": "P1", "child": "C1", "episode": "E1", "start_date": "2024-12-01"},
        ],
    )
    assert found == []


def test_the_detail_names_the_closure():
    found = run(
        rule_8565,
        cin_episode=EPISODES,
        assessment=[],
        section47=[{"ref": "S1", "child": "C1", "episode": "E1", "start_date": "2024-10-02"}],
        protection_plan=[],
        cin_plan=[],
        conference=[],
    )
    assert found.select(pl.col("detail")).item() == "after CIN episode E1 was closed on 2024-10-01"
