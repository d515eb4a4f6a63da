from cpqa.dataquality.rules import rule_8840
from tests.dataquality.frames import refs, run


def test_a_plan_cannot_start_and_end_on_the_same_day():
    found = run(
        rule_8840,
        protection_plan=[
            {"ref": "P1", "child": "C1", "start_date": "2024-06-01", "end_date": "2024-06-01"},
            {"ref": "P2", "child": "C2", "start_date": "2024-06-01", "end_date": "2024-06-02"},
            {"ref": "P3", "child": "C3", "start_date": "2024-06-01", "end_date": None},
            {"ref": "P4", "child": "C4", "start_date": None, "end_date": "2024-06-01"},
        ],
    )
    assert refs(found) == ["P1"]
