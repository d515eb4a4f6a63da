from cpqa.dataquality.rules import rule_8940
from tests.dataquality.frames import refs, run


def plan(ref, child, start, end=None):
    return {"ref": ref, "child": child, "start_date": start, "end_date": end}


def test_a_plan_starting_within_another_fails():
    found = run(
        rule_8940,
        protection_plan=[
            plan("P1", "C1", "2024-05-26", "2024-10-26"),
            plan("P2", "C1", "2024-08-26", "2024-12-26"),  # starts within P1
            plan("P3", "C2", "2024-05-26", "2024-10-25"),
            plan("P4", "C2", "2024-10-26", "2024-12-26"),  # starts the day after P3 ends
            plan("P5", "C3", "2024-05-26"),
            plan("P6", "C3", "2024-08-26", "2024-10-26"),  # starts within open P5
            plan("P7", "C4", "2024-10-26", "2025-03-31"),
            plan("P8", "C4", "2025-03-31"),  # starts the day P7 ends: both days count
            plan("P9", "C5", "2024-06-01"),
            plan("P10", "C5", "2024-06-01", "2024-07-01"),  # the same start day: both
            plan("P11", "C6", "2024-05-01"),
            plan("P12", "C6", "2025-04-05"),  # after the reference date ends open P11
            plan("P13", "C7", None),
            plan("P14", "C7", "2024-06-01"),
        ],
    )
    assert refs(found) == ["P10", "P2", "P6", "P8", "P9"]
    detail = dict(zip(found["ref"], found["detail"], strict=True))
    assert detail["P2"] == "within plan P1 (2024-05-26 to 2024-10-26)"
    assert detail["P6"] == "within plan P5 (2024-05-26 to open)"
