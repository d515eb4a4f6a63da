from cpqa.dataquality.rules import rule_2883
from tests.dataquality.frames import run


def plans(*starts):
    return [
        {"ref": f"P{n}", "child": f"C{n}", "start_date": start} for n, start in enumerate(starts)
    ]


def conferences(*held, kind="initial"):
    return [
        {"ref": f"CF{kind}{n}", "child": f"C{n}", "kind": kind, "episode": "E", "date_held": day}
        for n, day in enumerate(held)
    ]


def test_more_plans_than_initial_conferences_in_the_year_is_one_authority_finding():
    found = run(
        rule_2883,
        protection_plan=plans("2024-04-01", "2025-03-31"),
        conference=conferences("2024-04-01"),
    )
    assert found.height == 1
    row = found.row(0, named=True)
    assert row["child"] is None and row["ref"] is None
    assert row["value"] == "2 plans started"
    assert row["detail"] == "1 initial conferences held in the census year"


def test_plans_and_conferences_outside_the_year_or_undated_are_not_counted():
    found = run(
        rule_2883,
        protection_plan=plans("2024-03-31", "2025-04-01", None, "2024-10-01"),
        conference=conferences("2024-10-01", "2025-04-01"),
    )
    assert found.height == 0


def test_as_many_conferences_as_plans_passes_and_transfer_in_conferences_count():
    found = run(
        rule_2883,
        protection_plan=plans("2024-05-01", "2024-06-01"),
        conference=conferences("2024-05-01") + conferences("2024-06-01", kind="transfer_in"),
    )
    assert found.height == 0


def test_reviews_are_not_initial_conferences():
    found = run(
        rule_2883,
        protection_plan=plans("2024-05-01"),
        conference=conferences("2024-05-01", kind="review"),
    )
    assert found.height == 1
