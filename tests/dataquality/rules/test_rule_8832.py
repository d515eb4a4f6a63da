from cpqa.dataquality.rules import rule_8832
from tests.dataquality.frames import refs, run


def test_a_plan_in_an_episode_whose_referral_was_no_further_action_fails():
    found = run(
        rule_8832,
        cin_episode=[
            {"ref": "E1", "child": "C1", "referral_nfa": True},
            {"ref": "E2", "child": "C2", "referral_nfa": False},
            {"ref": "E3", "child": "C3", "referral_nfa": None},
        ],
        protection_plan=[
            {"ref": "P1", "child": "C1", "episode": "E1"},
            {"ref": "P2", "child": "C2", "episode": "E2"},
            {"ref": "P3", "child": "C3", "episode": "E3"},
            {"ref": "P4", "child": "C4", "episode": None},
        ],
    )
    assert refs(found) == ["P1"]
    assert found.row(0, named=True)["value"] == "E1"
