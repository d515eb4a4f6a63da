from cpqa.dataquality.rules import rule_8839
from tests.dataquality.frames import refs, run


def enquiry(ref, child, episode, **extra):
    return {"ref": ref, "child": child, "episode": episode, "start_date": "2024-06-01", **extra}


def test_two_open_enquiries_in_one_episode_are_both_reported():
    found = run(
        rule_8839,
        section47=[
            enquiry("S1", "C1", "E1", icpc_not_required=False),
            enquiry("S2", "C1", "E1"),  # flag not recorded: open
            enquiry("S3", "C1", "E1"),  # its conference was held
            enquiry("S4", "C1", "E2"),  # alone in its episode
            enquiry("S5", "C2", "E3"),
            enquiry("S6", "C2", "E3", icpc_not_required=True),
            enquiry("S7", "C3", None),
            enquiry("S8", "C3", None),
            enquiry("S9", "C4", "E4", outcome="nfa"),
            enquiry("S10", "C4", "E4"),
        ],
        conference=[
            {"ref": "CF3", "child": "C1", "kind": "initial", "section47": "S3",
             "date_held": "2024-06-20"},
        ],
    )  # fmt: skip
    assert refs(found) == ["S1", "S2", "S7", "S8"]
    detail = dict(zip(found["ref"], found["detail"], strict=True))
    assert detail["S1"].startswith("2 open enquiries")
    assert detail["S7"].endswith("in CIN episode not recorded")
