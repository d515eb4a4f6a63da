"""facts_load: every problem reported, nothing half-loaded, upserts by ref."""

import datetime as dt

import polars as pl
import pytest

from cpqa.casework.models import Child, Conference, ProtectionPlan, Team
from cpqa.casework.services import (
    CONFERENCE_KIND_CLASH,
    DUPLICATE_REF,
    MISSING_COLUMN,
    NOT_OF_TYPE,
    REQUIRED_EMPTY,
    UNKNOWN_COLUMN,
    UNKNOWN_REFERENCE,
    FactLoadError,
    facts_load,
)
from cpqa.core.selectors import data_version_get

pytestmark = pytest.mark.django_db


def frames():
    return {
        "team": pl.DataFrame({"ref": ["T1", "T2"], "name": ["North", "South"]}),
        "child": pl.DataFrame(
            {
                "ref": ["C1", "C2", "C3"],
                "date_of_birth": [dt.date(2015, 1, 1), None, dt.date(2020, 6, 1)],
                "expected_date_of_birth": [None, dt.date(2026, 1, 1), None],
                "sex": ["M", "U", "F"],
            }
        ),
        "protection_plan": pl.DataFrame(
            {
                "ref": ["P1", "P2"],
                "child": ["C1", "C3"],
                "team": ["T1", "T2"],
                "start_date": [dt.date(2024, 1, 1), dt.date(2024, 5, 1)],
                "initial_category": ["NEG", "EMO"],
            }
        ),
    }


def test_load_inserts_then_updates_by_ref(authority):
    first = facts_load(authority=authority, frames=frames())
    assert first.counts["child"].inserted == 3
    assert first.counts["protection_plan"].inserted == 2
    assert Child.objects.filter(authority=authority).count() == 3
    plan = ProtectionPlan.objects.get(ref="P2")
    assert plan.child.ref == "C3"
    assert plan.team.name == "South"

    changed = frames()
    changed["protection_plan"] = changed["protection_plan"].with_columns(
        pl.Series("end_date", [dt.date(2024, 9, 1), None])
    )
    second = facts_load(authority=authority, frames=changed)
    assert second.counts["protection_plan"].inserted == 0
    assert second.counts["protection_plan"].updated == 2
    assert ProtectionPlan.objects.get(ref="P1").end_date == dt.date(2024, 9, 1)
    assert ProtectionPlan.objects.count() == 2
    assert second.data_version == first.data_version + 1 == data_version_get(authority=authority)


def test_child_team_follows_the_latest_plan(authority):
    facts_load(authority=authority, frames=frames())
    assert Child.objects.get(ref="C1").team.ref == "T1"
    assert Child.objects.get(ref="C2").team is None
    later = pl.DataFrame(
        {
            "ref": ["P3"],
            "child": ["C1"],
            "team": ["T2"],
            "start_date": [dt.date(2025, 2, 1)],
        }
    )
    facts_load(authority=authority, frames={"protection_plan": later})
    assert Child.objects.get(ref="C1").team.ref == "T2"


def test_every_problem_is_reported_and_nothing_is_written(authority):
    facts_load(authority=authority, frames=frames())
    before = list(ProtectionPlan.objects.order_by("ref").values_list("ref", "start_date"))
    version = data_version_get(authority=authority)
    bad = {
        "team": pl.DataFrame({"ref": ["T3"], "name": ["East"]}),
        "protection_plan": pl.DataFrame(
            {
                "ref": ["P9", "P9", "P8"],
                "child": ["C1", "C1", "C1"],
                "start_date": ["2024-02-30", "2024-03-01", "soon"],
                "colour": ["red", "red", "red"],
            }
        ),
    }
    with pytest.raises(FactLoadError) as caught:
        facts_load(authority=authority, frames=bad)
    problems = caught.value.problems
    assert UNKNOWN_COLUMN.format(table="protection_plan", column="colour") in problems
    assert (
        NOT_OF_TYPE.format(
            table="protection_plan",
            row=1,
            column="start_date",
            value="2024-02-30",
            expected="a date",
        )
        in problems
    )
    assert (
        NOT_OF_TYPE.format(
            table="protection_plan", row=3, column="start_date", value="soon", expected="a date"
        )
        in problems
    )
    assert not Team.objects.filter(ref="T3").exists()
    after = list(ProtectionPlan.objects.order_by("ref").values_list("ref", "start_date"))
    assert after == before
    assert data_version_get(authority=authority) == version


def test_duplicates_missing_columns_and_empty_required_values(authority):
    bad = {
        "child": pl.DataFrame({"ref": ["C1", "C1", None]}),
        "team": pl.DataFrame({"ref": ["T1"]}),
    }
    with pytest.raises(FactLoadError) as caught:
        facts_load(authority=authority, frames=bad)
    problems = caught.value.problems
    assert MISSING_COLUMN.format(table="team", column="name") in problems
    assert DUPLICATE_REF.format(table="child", row=2, value="C1") in problems
    assert REQUIRED_EMPTY.format(table="child", row=3, column="ref") in problems
    assert Child.objects.count() == 0


def test_references_must_match_a_record_held_or_arriving(authority):
    facts_load(authority=authority, frames={"child": frames()["child"]})
    plans = pl.DataFrame(
        {"ref": ["P1", "P2"], "child": ["C1", "C404"], "start_date": [dt.date(2024, 1, 1)] * 2}
    )
    with pytest.raises(FactLoadError) as caught:
        facts_load(authority=authority, frames={"protection_plan": plans})
    assert caught.value.problems == [
        UNKNOWN_REFERENCE.format(
            table="protection_plan", row=2, column="child", value="C404", references="child"
        )
    ]
    assert ProtectionPlan.objects.count() == 0
    # The same plans load once the child arrives with them.
    result = facts_load(
        authority=authority,
        frames={"child": pl.DataFrame({"ref": ["C404"]}), "protection_plan": plans},
    )
    assert result.counts["protection_plan"].inserted == 2


def test_unknown_table_is_refused(authority):
    with pytest.raises(FactLoadError, match="no fact table called 'plans'"):
        facts_load(authority=authority, frames={"plans": pl.DataFrame({"ref": ["x"]})})


def test_text_booleans_and_choices_are_checked(authority):
    facts_load(authority=authority, frames={"child": pl.DataFrame({"ref": ["C1"]})})
    bad = {
        "child": pl.DataFrame({"ref": ["C2"], "sex": ["X"]}),
        "looked_after_episode": pl.DataFrame(
            {"ref": ["L1"], "child": ["C1"], "start_date": ["2024-01-01"]}
        ),
    }
    with pytest.raises(FactLoadError) as caught:
        facts_load(authority=authority, frames=bad)
    assert caught.value.problems == ["child: row 1, sex = 'X' is not one of M, F, U."]
    visits = {
        "protection_plan": pl.DataFrame(
            {"ref": ["P1"], "child": ["C1"], "start_date": ["2024-01-01"]}
        ),
        "visit": pl.DataFrame(
            {
                "ref": ["V1", "V2", "V3"],
                "plan": ["P1"] * 3,
                "child": ["C1"] * 3,
                "date": ["2024-01-05", None, "2024-01-19"],
                "seen_alone": ["true", "No", None],
            }
        ),
    }
    facts_load(authority=authority, frames=visits)
    from cpqa.casework.models import Visit

    assert list(Visit.objects.order_by("ref").values_list("seen_alone", flat=True)) == [
        True,
        False,
        None,
    ]


def test_updates_set_only_their_columns_of_records_held(authority):
    from cpqa.casework.services import NO_SUCH_RECORD

    base = frames()
    facts_load(authority=authority, frames=base)
    run_before = ProtectionPlan.objects.get(ref="P1").import_run_id
    patch = pl.DataFrame({"ref": ["P1"], "end_date": ["2024-10-01"], "team": ["T2"]})
    result = facts_load(authority=authority, frames={}, updates={"protection_plan": patch})
    assert result.counts["protection_plan"].updated == 1
    plan = ProtectionPlan.objects.get(ref="P1")
    assert plan.end_date == dt.date(2024, 10, 1)
    assert plan.team.ref == "T2"
    assert plan.initial_category == "NEG"  # untouched
    assert plan.import_run_id == run_before
    unknown = pl.DataFrame({"ref": ["P404"], "end_date": ["2024-10-01"]})
    with pytest.raises(FactLoadError) as caught:
        facts_load(authority=authority, frames={}, updates={"protection_plan": unknown})
    assert caught.value.problems == [
        NO_SUCH_RECORD.format(table="protection_plan", row=1, value="P404")
    ]
    bad_team = pl.DataFrame({"ref": ["P1"], "team": ["T404"]})
    with pytest.raises(FactLoadError, match="matches no team"):
        facts_load(authority=authority, frames={}, updates={"protection_plan": bad_team})


def test_a_source_leaves_the_fields_it_does_not_carry_as_they_were(authority):
    facts_load(
        authority=authority,
        frames={
            "child": pl.DataFrame(
                {"ref": ["C1"], "date_of_death": [dt.date(2025, 1, 2)], "ethnicity": ["WBRI"]}
            )
        },
    )
    # A second source knows the ethnicity only: the date of death stays.
    facts_load(
        authority=authority, frames={"child": pl.DataFrame({"ref": ["C1"], "ethnicity": ["WIRI"]})}
    )
    child = Child.objects.get(ref="C1")
    assert (child.date_of_death, child.ethnicity) == (dt.date(2025, 1, 2), "WIRI")
    # A column the source does carry is set, even to empty.
    facts_load(
        authority=authority,
        frames={
            "child": pl.DataFrame(
                {"ref": ["C1"], "date_of_death": [None]},
                schema={"ref": pl.String, "date_of_death": pl.Date},
            )
        },
    )
    assert Child.objects.get(ref="C1").date_of_death is None


def _conferences(refs: list[str], kinds: list[str]) -> dict[str, pl.DataFrame]:
    return {
        "child": pl.DataFrame({"ref": ["C1"]}),
        "conference": pl.DataFrame(
            {
                "ref": refs,
                "child": ["C1"] * len(refs),
                "kind": kinds,
                "date_held": [dt.date(2025, 1, day + 1) for day in range(len(refs))],
            }
        ),
    }


def test_a_conference_held_as_a_review_cannot_come_back_as_an_initial_one(authority):
    facts_load(authority=authority, frames=_conferences(["17", "18"], ["initial", "review"]))
    before = list(Conference.objects.order_by("ref").values_list("ref", "kind"))
    with pytest.raises(FactLoadError) as caught:
        facts_load(
            authority=authority,
            frames=_conferences(["20", "17", "18"], ["review", "review", "initial"]),
        )
    assert caught.value.problems == [
        CONFERENCE_KIND_CLASH.format(row=2, value="17", arriving="a review", held="an initial"),
        CONFERENCE_KIND_CLASH.format(row=3, value="18", arriving="an initial", held="a review"),
    ]
    assert list(Conference.objects.order_by("ref").values_list("ref", "kind")) == before


def test_a_conference_may_come_back_as_the_same_kind_or_initial_as_transfer_in(authority):
    facts_load(authority=authority, frames=_conferences(["17", "18"], ["initial", "review"]))
    facts_load(authority=authority, frames=_conferences(["17", "18"], ["transfer_in", "review"]))
    assert list(Conference.objects.order_by("ref").values_list("ref", "kind")) == [
        ("17", "transfer_in"),
        ("18", "review"),
    ]
