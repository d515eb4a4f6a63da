from cpqa.dataquality.rules import rule_8915
from tests.dataquality.frames import refs, run


def test_a_plan_cannot_start_after_the_child_died():
    found = run(
        rule_8915,
        child=[
            {"ref": "C1", "date_of_death": "2024-06-01"},
            {"ref": "C2", "date_of_death": None},
        ],
        protection_plan=[
            {"ref": "P1", "child": "C1", "start_date": "2024-06-02"},
            {"ref": "P2", "child": "C1", "start_date": "2024-06-01"},
            {"ref": "P3", "child": "C2", "start_date": "2024-06-02"},
        ],
    )
    assert refs(found) == ["P1"]
    assert found["detail"][0] == "after the child's date of death 2024-06-01"
