from cpqa.dataquality.rules import rule_8930
from tests.dataquality.frames import refs, run


def test_the_end_date_must_fall_within_the_census_year():
    ends = ["2024-03-31", "2024-04-01", "2025-03-31", "2025-04-01", None]
    found = run(
        rule_8930,
        protection_plan=[
            {"ref": f"P{n}", "child": f"C{n}", "start_date": "2023-01-01", "end_date": end}
            for n, end in enumerate(ends)
        ],
    )
    assert refs(found) == ["P0", "P3"]
