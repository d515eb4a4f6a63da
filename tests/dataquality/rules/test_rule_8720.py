from cpqa.dataquality.rules import rule_8720
from tests.dataquality.frames import refs, run


def test_the_start_date_must_be_present_and_no_later_than_the_reference_date():
    found = run(
        rule_8720,
        protection_plan=[
            {"ref": "P1", "child": "C1", "start_date": None},
            {"ref": "P2", "child": "C2", "start_date": "2025-04-01"},
            {"ref": "P3", "child": "C3", "start_date": "2025-03-31"},
            {"ref": "P4", "child": "C4", "start_date": "2023-01-01"},
        ],
    )
    assert refs(found) == ["P1", "P2"]
    detail = dict(zip(found["ref"], found["detail"], strict=True))
    assert detail == {"P1": "missing", "P2": "after the reference date 2025-03-31"}
