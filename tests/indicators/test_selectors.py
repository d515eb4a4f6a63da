"""Results from the database: cached per data version and standards, scoped by role."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from cpqa.accounts.roles import Role
from cpqa.casework.services import facts_load
from cpqa.indicators import selectors
from cpqa.indicators.models import StandardVersion
from cpqa.indicators.selectors import (
    NO_SUCH_TEAM,
    NOT_YOUR_TEAM,
    WHOLE_MONTHS,
    IndicatorQuery,
    IndicatorQueryError,
    default_range,
    indicator_rows,
    indicator_rows_for_user,
)

from .conftest import service_data

pytestmark = pytest.mark.django_db

QUERY = IndicatorQuery(start=date(2026, 1, 1), end=date(2026, 1, 31), indicators=("s47_started",))


def values(rows):
    return {(row["indicator"], row["team"]): row["value"] for row in rows}


@pytest.mark.parametrize(
    ("today", "months", "expected"),
    [
        (date(2026, 1, 15), 12, (date(2025, 1, 1), date(2025, 12, 31))),
        (date(2026, 1, 1), 1, (date(2025, 12, 1), date(2025, 12, 31))),
        (date(2024, 3, 31), 1, (date(2024, 2, 1), date(2024, 2, 29))),
    ],
)
def test_default_range(today, months, expected):
    assert default_range(today=today, months=months) == expected


def test_the_authority_only_unless_a_team_is_asked_for(loaded):
    rows = indicator_rows(authority=loaded, query=QUERY)
    assert values(rows) == {("s47_started", None): 11.0}
    rows = indicator_rows(
        authority=loaded,
        query=IndicatorQuery(
            start=QUERY.start, end=QUERY.end, team="North", indicators=QUERY.indicators
        ),
    )
    assert values(rows) == {("s47_started", None): 11.0, ("s47_started", "North"): 3.0}


def test_an_unknown_team(loaded):
    query = IndicatorQuery(start=QUERY.start, end=QUERY.end, team="West")
    with pytest.raises(IndicatorQueryError, match=NO_SUCH_TEAM.format(team="West")):
        indicator_rows(authority=loaded, query=query)


def test_results_are_cached_until_the_data_version_changes(loaded, monkeypatch):
    calls = []
    real = selectors.fact_frames

    def counting(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(selectors, "fact_frames", counting)
    assert values(indicator_rows(authority=loaded, query=QUERY))[("s47_started", None)] == 11.0
    assert values(indicator_rows(authority=loaded, query=QUERY))[("s47_started", None)] == 11.0
    assert len(calls) == 1  # the second answer came from the cache
    facts_load(authority=loaded, frames=service_data(extra_enquiries=1))  # a new import
    assert values(indicator_rows(authority=loaded, query=QUERY))[("s47_started", None)] == 12.0
    assert len(calls) == 2


def test_a_change_of_standard_is_not_answered_from_the_cache(loaded):
    query = IndicatorQuery(start=QUERY.start, end=QUERY.end,
                           indicators=("icpc_within_15_working_days",))  # fmt: skip
    # From Monday 5 January to Wednesday 14 January is 7 working days.
    assert values(indicator_rows(authority=loaded, query=query)) == {
        ("icpc_within_15_working_days", None): 100.0
    }
    StandardVersion.objects.filter(standard__slug="icpc-within-15-working-days").update(threshold=5)
    assert values(indicator_rows(authority=loaded, query=query)) == {
        ("icpc_within_15_working_days", None): 0.0
    }


def test_a_team_manager_sees_their_teams_and_the_authority(loaded, north, make_user):
    manager = make_user(Role.TEAM_MANAGER, teams=[north])
    rows = indicator_rows_for_user(user=manager, query=QUERY)
    assert values(rows) == {("s47_started", None): 11.0, ("s47_started", "North"): 3.0}
    assert {row["suppressed"] for row in rows} == {False}
    other = IndicatorQuery(start=QUERY.start, end=QUERY.end, team="South")
    with pytest.raises(PermissionDenied, match=NOT_YOUR_TEAM):
        indicator_rows_for_user(user=manager, query=other)


def test_a_senior_manager_sees_every_team(loaded, make_user):
    rows = indicator_rows_for_user(user=make_user(Role.SENIOR_MANAGER), query=QUERY)
    assert values(rows) == {
        ("s47_started", None): 11.0,
        ("s47_started", "North"): 3.0,
        ("s47_started", "South"): 8.0,
    }


def test_a_councillor_sees_suppressed_aggregates(loaded, make_user):
    rows = indicator_rows_for_user(user=make_user(Role.COUNCILLOR), query=QUERY)
    # North's 3 is fewer than 5, and South's 8 would give it away (11 - 8).
    assert values(rows) == {
        ("s47_started", None): 11.0,
        ("s47_started", "North"): None,
        ("s47_started", "South"): None,
    }
    assert [row["suppressed"] for row in rows] == [False, True, True]
    days = IndicatorQuery(start=date(2026, 1, 2), end=date(2026, 1, 31))
    with pytest.raises(IndicatorQueryError, match=WHOLE_MONTHS):
        indicator_rows_for_user(user=make_user(Role.COUNCILLOR), query=days)


def test_administrators_see_no_figures(loaded, make_user):
    with pytest.raises(PermissionDenied):
        indicator_rows_for_user(user=make_user(Role.ADMINISTRATOR), query=QUERY)
