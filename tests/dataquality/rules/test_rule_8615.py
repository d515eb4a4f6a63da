from cpqa.dataquality.rules import rule_8615
from tests.dataquality.frames import refs, run


def test_the_start_must_be_present_and_no_later_than_the_enquirys_conference():
    found = run(
        rule_8615,
        section47=[
            {"ref": "S1", "child": "C1", "start_date": "2024-06-10"},
            {"ref": "S2", "child": "C2", "start_date": "2024-06-09"},
            {"ref": "S3", "child": "C3", "start_date": None},
            {"ref": "S4", "child": "C4", "start_date": None},
            {"ref": "S5", "child": "C5", "start_date": "2024-06-10", "episode": "E5"},
        ],
        conference=[
            {"ref": "CF1", "child": "C1", "kind": "initial", "section47": "S1",
             "date_held": "2024-06-09"},
            {"ref": "CF2", "child": "C2", "kind": "initial", "section47": "S2",
             "date_held": "2024-06-09"},
            {"ref": "CF3", "child": "C3", "kind": "initial", "section47": "S3",
             "date_held": "2024-06-09"},
            # An episode-level conference is not the enquiry's.
            {"ref": "CF5", "child": "C5", "kind": "initial", "episode": "E5",
             "date_held": "2024-06-01"},
        ],
    )  # fmt: skip
    # S2 starts the day of its conference; S4 has no conference.
    assert refs(found) == ["S1", "S3"]
    detail = dict(zip(found["ref"], found["detail"], strict=True))
    assert detail["S1"] == "initial conference CF1 held on 2024-06-09"


def test_the_earliest_of_two_conferences_is_the_enquirys():
    found = run(
        rule_8615,
        section47=[{"ref": "S1", "child": "C1", "start_date": "2024-06-10"}],
        conference=[
            {"ref": "CF1", "child": "C1", "kind": "initial", "section47": "S1",
             "date_held": "2024-06-20"},
            {"ref": "CF2", "child": "C1", "kind": "initial", "section47": "S1",
             "date_held": "2024-06-05"},
        ],
    )  # fmt: skip
    assert refs(found) == ["S1"]
