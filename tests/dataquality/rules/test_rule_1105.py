from cpqa.dataquality.rules import rule_1105
from tests.dataquality.frames import refs, run

EPISODES = [
    {"ref": "E1", "child": "C1", "referral_date": "2024-06-10"},
    {"ref": "E2", "child": "C2", "referral_date": None},
]


def test_a_plan_starting_before_the_referral_fails_and_on_the_day_passes():
    found = run(
        rule_1105,
        cin_episode=EPISODES,
        protection_plan=[
            {"ref": "P1", "child": "C1", "episode": "E1", "start_date": "2024-06-09"},
            {"ref": "P2", "child": "C1", "episode": "E1", "start_date": "2024-06-10"},
        ],
    )
    assert refs(found) == ["P1"]
    assert found.row(0, named=True)["field"] == "start_date"


def test_a_plan_with_no_episode_or_an_episode_with_no_referral_date_is_not_checked():
    found = run(
        rule_1105,
        cin_episode=EPISODES,
        protection_plan=[
            {"ref": "P1", "child": "C1", "episode": None, "start_date": "2020-01-01"},
            {"ref": "P2", "child": "C2", "episode": "E2", "start_date": "2020-01-01"},
        ],
    )
    assert found.height == 0
