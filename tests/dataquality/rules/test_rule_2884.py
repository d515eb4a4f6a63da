from cpqa.dataquality.rules import rule_2884
from tests.dataquality.frames import refs, run


def pair(child_two="C1", episode_two="E1", held_two="2024-07-01"):
    return [
        {"ref": "CF1", "child": "C1", "kind": "initial", "section47": "S1", "episode": "E1",
         "date_held": "2024-07-01"},
        {"ref": "CF2", "child": child_two, "kind": "initial", "episode": episode_two,
         "date_held": held_two},
    ]  # fmt: skip


def test_the_same_conference_at_both_levels_reports_both_records():
    found = run(rule_2884, conference=pair())
    assert refs(found) == ["CF1", "CF2"]
    details = dict(zip(found["ref"], found["detail"], strict=True))
    assert details["CF1"] == "also recorded at CIN episode level as conference CF2"
    assert details["CF2"] == "also recorded at section 47 level as conference CF1"


def test_another_day_another_episode_or_another_child_passes():
    assert run(rule_2884, conference=pair(held_two="2024-07-02")).height == 0
    assert run(rule_2884, conference=pair(episode_two="E2")).height == 0
    assert run(rule_2884, conference=pair(child_two="C2")).height == 0


def test_an_episode_level_conference_with_no_episode_recorded_is_in_the_same_group():
    assert refs(run(rule_2884, conference=pair(episode_two=None))) == ["CF1", "CF2"]
