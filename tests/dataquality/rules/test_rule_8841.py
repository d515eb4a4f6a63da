from cpqa.dataquality.rules import rule_8841
from tests.dataquality.frames import refs, run


def test_a_review_on_or_before_the_plan_start_fails():
    found = run(
        rule_8841,
        protection_plan=[{"ref": "P1", "child": "C1", "start_date": "2024-06-01"}],
        conference=[
            {"ref": "R1", "child": "C1", "kind": "review", "plan": "P1", "date_held": "2024-06-01"},
            {"ref": "R2", "child": "C1", "kind": "review", "plan": "P1", "date_held": "2024-05-01"},
            {"ref": "R3", "child": "C1", "kind": "review", "plan": "P1", "date_held": "2024-06-02"},
            {"ref": "R4", "child": "C1", "kind": "review", "plan": "P1", "date_held": None},
            {"ref": "I1", "child": "C1", "kind": "initial", "plan": "P1",
             "date_held": "2024-06-01"},
        ],
    )  # fmt: skip
    assert refs(found) == ["R1", "R2"]
    assert found["detail"][0] == "plan P1 started on 2024-06-01"
