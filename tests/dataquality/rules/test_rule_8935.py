from cpqa.dataquality.rules import rule_8935
from tests.dataquality.frames import refs, run


def test_a_child_with_two_open_plans_has_both_reported():
    found = run(
        rule_8935,
        protection_plan=[
            {"ref": "P1", "child": "C1", "start_date": "2024-05-01", "end_date": None},
            {"ref": "P2", "child": "C1", "start_date": "2024-08-01", "end_date": None},
            {"ref": "P3", "child": "C2", "start_date": "2024-05-01", "end_date": "2024-07-01"},
            {"ref": "P4", "child": "C2", "start_date": "2024-08-01", "end_date": None},
            {"ref": "P5", "child": "C3", "start_date": "2024-08-01", "end_date": None},
        ],
    )
    assert refs(found) == ["P1", "P2"]
    assert found["detail"][0] == "one of 2 open plans of this child"
