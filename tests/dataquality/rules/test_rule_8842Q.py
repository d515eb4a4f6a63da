from cpqa.dataquality.rules import rule_8842Q
from tests.dataquality.frames import refs, run


def test_a_review_with_no_date_is_queried():
    found = run(
        rule_8842Q,
        conference=[
            {"ref": "R1", "child": "C1", "kind": "review", "plan": "P1", "date_held": None},
            {"ref": "R2", "child": "C1", "kind": "review", "plan": "P1", "date_held": "2024-09-01"},
            {"ref": "I1", "child": "C1", "kind": "initial", "date_held": None},
        ],
    )
    assert refs(found) == ["R1"]
    assert found.row(0, named=True)["detail"] == "review of plan P1"
