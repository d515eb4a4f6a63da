from cpqa.dataquality.rules import rule_8715
from tests.dataquality.frames import refs, run


def conference(ref, day, **links):
    return {"ref": ref, "child": "C1", "kind": "initial", "date_held": day, **links}


def test_an_enquirys_conference_must_be_held_within_the_census_year():
    found = run(
        rule_8715,
        conference=[
            conference("CF1", "2024-03-31", section47="S1"),
            conference("CF2", "2024-04-01", section47="S2"),
            conference("CF3", "2025-03-31", section47="S3"),
            conference("CF4", "2025-04-01", section47="S4"),
            conference("CF5", None, section47="S5"),
            # Only the Section47 level is checked.
            conference("CF6", "2020-01-01", episode="E6"),
        ],
    )
    assert refs(found) == ["CF1", "CF4"]
    assert found["detail"][0] == "outside the census year 2024-04-01 to 2025-03-31"
