from cpqa.dataquality.rules import rule_8870Q
from tests.dataquality.frames import refs, run


def test_a_target_date_on_a_weekend_is_queried_but_a_bank_holiday_is_not():
    found = run(
        rule_8870Q,
        section47=[
            {"ref": "S1", "child": "C1", "icpc_target_date": "2024-06-08"},  # Saturday
            {"ref": "S2", "child": "C2", "icpc_target_date": "2024-06-09"},  # Sunday
            {"ref": "S3", "child": "C3", "icpc_target_date": "2024-06-10"},  # Monday
            {"ref": "S4", "child": "C4", "icpc_target_date": "2024-08-26"},  # bank holiday
            {"ref": "S5", "child": "C5", "icpc_target_date": None},
        ],
    )
    assert refs(found) == ["S1", "S2"]
    assert dict(zip(found["ref"], found["detail"], strict=True)) == {
        "S1": "a Saturday",
        "S2": "a Sunday",
    }
