from cpqa.dataquality.rules import rule_1104
from tests.dataquality.frames import refs, run

EPISODES = [
    {"ref": "E1", "child": "C1", "referral_date": "2024-06-10"},
    {"ref": "E2", "child": "C2", "referral_date": None},
]
ENQUIRIES = [
    {"ref": "S1", "child": "C1", "episode": "E1", "start_date": "2024-06-10"},
    {"ref": "S2", "child": "C1", "episode": "E1", "start_date": "2024-06-10"},
    {"ref": "S3", "child": "C2", "episode": "E2", "start_date": "2024-06-10"},
]


def check(conferences):
    return run(rule_1104, cin_episode=EPISODES, section47=ENQUIRIES, conference=conferences)


def test_a_conference_the_day_before_the_referral_fails_through_its_enquiry():
    found = check(
        [
            {
                "ref": "CF1",
                "child": "C1",
                "kind": "initial",
                "section47": "S1",
                "date_held": "2024-06-09",
            }
        ]
    )
    assert refs(found) == ["CF1"]
    row = found.row(0, named=True)
    assert (row["table"], row["field"], row["value"], row["child"]) == (
        "conference",
        "date_held",
        "2024-06-09",
        "C1",
    )
    assert "2024-06-10" in row["detail"]


def test_a_conference_on_the_referral_date_passes():
    conference = {"ref": "CF1", "child": "C1", "kind": "initial", "section47": "S1"}
    assert check([{**conference, "date_held": "2024-06-10"}]).height == 0


def test_an_episode_level_and_a_transfer_in_conference_are_checked_too():
    found = check(
        [
            {
                "ref": "CF1",
                "child": "C1",
                "kind": "initial",
                "episode": "E1",
                "date_held": "2024-06-01",
            },
            {
                "ref": "CF2",
                "child": "C1",
                "kind": "transfer_in",
                "episode": "E1",
                "date_held": "2024-05-01",
            },
        ]
    )
    assert refs(found) == ["CF1", "CF2"]


def test_reviews_unheld_conferences_and_missing_referral_dates_are_not_checked():
    found = check(
        [
            {
                "ref": "CF1",
                "child": "C1",
                "kind": "review",
                "episode": "E1",
                "date_held": "2024-06-01",
            },
            {"ref": "CF2", "child": "C1", "kind": "initial", "section47": "S2", "date_held": None},
            {
                "ref": "CF3",
                "child": "C2",
                "kind": "initial",
                "section47": "S3",
                "date_held": "2020-01-01",
            },
        ]
    )
    assert found.height == 0
