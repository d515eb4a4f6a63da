from cpqa.dataquality.rules import rule_2889
from tests.dataquality.frames import refs, run


def test_an_enquiry_starting_before_its_referral_fails():
    found = run(
        rule_2889,
        cin_episode=[{"ref": "E1", "child": "C1", "referral_date": "2024-06-10"}],
        section47=[
            {"ref": "S1", "child": "C1", "episode": "E1", "start_date": "2024-06-09"},
            {"ref": "S2", "child": "C1", "episode": "E1", "start_date": "2024-06-10"},
            {"ref": "S3", "child": "C1", "episode": None, "start_date": "2024-01-01"},
            {"ref": "S4", "child": "C1", "episode": "E1", "start_date": None},
        ],
    )
    assert refs(found) == ["S1"]
    assert found.row(0, named=True)["value"] == "2024-06-09"
