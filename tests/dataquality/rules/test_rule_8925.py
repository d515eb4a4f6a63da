from cpqa.dataquality.rules import rule_8925
from tests.dataquality.frames import refs, run


def test_a_plan_cannot_end_before_it_starts():
    found = run(
        rule_8925,
        protection_plan=[
            {"ref": "P1", "child": "C1", "start_date": "2024-06-02", "end_date": "2024-06-01"},
            {"ref": "P2", "child": "C2", "start_date": "2024-06-02", "end_date": "2024-06-02"},
            {"ref": "P3", "child": "C3", "start_date": "2024-06-02", "end_date": None},
            {"ref": "P4", "child": "C4", "start_date": None, "end_date": "2024-06-01"},
        ],
    )
    assert refs(found) == ["P1"]
    assert found["detail"][0] == "before the start date 2024-06-02"
