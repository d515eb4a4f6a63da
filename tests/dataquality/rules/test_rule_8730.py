from cpqa.dataquality.rules import rule_8730
from tests.dataquality.frames import refs, run


def test_the_number_of_previous_plans_must_be_present_and_not_negative():
    found = run(
        rule_8730,
        protection_plan=[
            {"ref": "P1", "child": "C1", "previous_plans": None},
            {"ref": "P2", "child": "C2", "previous_plans": -1},
            {"ref": "P3", "child": "C3", "previous_plans": 0},
            {"ref": "P4", "child": "C4", "previous_plans": 3},
        ],
    )
    assert refs(found) == ["P1", "P2"]
    assert dict(zip(found["ref"], found["value"], strict=True)) == {"P1": None, "P2": "-1"}
