from cpqa.dataquality.rules import rule_8875
from tests.dataquality.frames import refs, run


def test_an_initial_conference_on_a_weekend_fails_at_either_level():
    found = run(
        rule_8875,
        conference=[
            {"ref": "CF1", "child": "C1", "kind": "initial", "section47": "S1",
             "date_held": "2024-06-08"},  # Saturday
            {"ref": "CF2", "child": "C2", "kind": "initial", "episode": "E2",
             "date_held": "2024-06-09"},  # Sunday
            {"ref": "CF3", "child": "C3", "kind": "initial", "section47": "S3",
             "date_held": "2024-05-06"},  # early May bank holiday: not a weekend
            {"ref": "CF4", "child": "C4", "kind": "review", "plan": "P4",
             "date_held": "2024-06-08"},  # a review is not an initial conference
            {"ref": "CF5", "child": "C5", "kind": "initial", "section47": "S5",
             "date_held": "2024-06-10"},
        ],
    )  # fmt: skip
    assert refs(found) == ["CF1", "CF2"]
