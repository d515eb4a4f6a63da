"""The dashboards' reads on the hand-worked authority of conftest.py."""

from datetime import date

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied

from cpqa.accounts.models import AccessLogChild, AccessLogEntry
from cpqa.accounts.roles import Role
from cpqa.core.periods import Period
from cpqa.dashboards.filters import ChildFilter
from cpqa.dashboards.selectors import (
    RECORD_TYPE_WARNINGS,
    WarningFilter,
    combined_rows,
    data_as_at,
    default_month,
    filter_options,
    filtered_records_list,
    series_from_rows,
    suppressed_rows,
    trend_periods,
    trend_table,
    warning_counts_for_user,
    warning_list,
)
from cpqa.indicators.selectors import indicator_table

from .conftest import AS_AT, JANUARY

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)
JANUARY_PERIOD = Period(date(2026, 1, 1), date(2026, 1, 31))


def figures(table: pl.DataFrame, indicator: str) -> list[tuple]:
    return (
        table.filter(
            (pl.col("indicator").cast(pl.String) == indicator) & (pl.col("period_start") == JANUARY)
        )
        .select(pl.col("team").cast(pl.String), "numerator", "denominator")
        .sort("team", nulls_last=False)
        .rows()
    )


def test_the_data_stands_at_its_last_activity(service):
    assert data_as_at(authority=service.authority, today=TODAY) == AS_AT
    # Activity after "today" does not count.
    assert data_as_at(authority=service.authority, today=date(2026, 1, 20)) == date(2026, 1, 14)


@pytest.mark.parametrize(
    ("as_at", "today", "month"),
    [
        (date(2026, 1, 30), date(2026, 11, 26), date(2026, 1, 1)),  # stale data: its month
        (date(2026, 11, 20), date(2026, 11, 26), date(2026, 10, 1)),  # the month before today
        (date(2026, 10, 31), date(2026, 11, 2), date(2026, 10, 1)),
    ],
)
def test_the_default_month(as_at, today, month):
    assert default_month(as_at=as_at, today=today) == month


def test_filter_options(service, make_user):
    options = filter_options(user=make_user(Role.TEAM_MANAGER, teams=[service.north]), today=TODAY)
    assert options.default_month == JANUARY
    assert options.months[0] == ("2026-01", "Jan 2026")
    assert len(options.months) == 60
    assert [team.name for team in options.teams] == ["North"]
    everyone = filter_options(user=make_user(Role.SENIOR_MANAGER), today=TODAY)
    assert [team.name for team in everyone.teams] == ["North", "South"]


def test_with_no_filter_the_trend_is_the_indicators_apps_table(service):
    periods = trend_periods(month=JANUARY)
    assert len(periods) == 24 and periods[0].start == date(2024, 2, 1)
    ours = trend_table(authority=service.authority, start=periods[0].start, end=periods[-1].end)
    theirs = indicator_table(
        authority=service.authority, start=periods[0].start, end=periods[-1].end, by="month"
    )
    assert ours.equals(theirs)
    assert figures(ours, "s47_started") == [
        (None, 11, None),
        ("North", 3, None),
        ("South", 8, None),
    ]


def test_a_filter_computes_the_same_indicators_on_the_filtered_frames(service):
    january = {"start": JANUARY, "end": date(2026, 1, 31)}
    neglect = trend_table(
        authority=service.authority,
        **january,
        child_filter=ChildFilter(on=date(2026, 1, 31), category="NEG"),
    )
    # Only N1 is on a plan of neglect: one enquiry, one plan, one child seen.
    assert figures(neglect, "s47_started") == [
        (None, 1, None),
        ("North", 1, None),
        ("South", 0, None),
    ]
    assert figures(neglect, "cpp_seen_within_standard") == [
        (None, 1, 1), ("North", 1, 1), ("South", 0, 0)
    ]  # fmt: skip
    # A rate per 10,000 of the whole population is left out for a subset of children.
    assert "cpp_rate_per_10000" not in set(neglect.get_column("indicator").cast(pl.String))
    under_ten = trend_table(
        authority=service.authority,
        **january,
        child_filter=ChildFilter(on=date(2026, 1, 31), age_band="5_to_9"),
    )
    # The South children are 5 on 31 January 2026; the North children are 9.
    assert figures(under_ten, "s47_started") == [
        (None, 11, None),
        ("North", 3, None),
        ("South", 8, None),
    ]
    babies = trend_table(
        authority=service.authority,
        **january,
        child_filter=ChildFilter(on=date(2026, 1, 31), age_band="under_1"),
    )
    assert figures(babies, "s47_started") == [
        (None, 0, None),
        ("North", 0, None),
        ("South", 0, None),
    ]


def test_a_chairs_conferences(service):
    january = {"start": JANUARY, "end": date(2026, 1, 31)}
    mine = trend_table(authority=service.authority, **january, chair="CH1", ids=["icpc_held"])
    theirs = trend_table(authority=service.authority, **january, chair="CH2", ids=["icpc_held"])
    assert figures(mine, "icpc_held") == [(None, 1, None), ("North", 1, None), ("South", 0, None)]
    assert figures(theirs, "icpc_held")[0] == (None, 0, None)


def test_series_by_month_with_breakdowns_added_up(service):
    periods = trend_periods(month=JANUARY, months=2)
    table = trend_table(authority=service.authority, start=periods[0].start, end=periods[-1].end)
    series = series_from_rows(
        combined_rows(table, ["cpp_started_by_category", "cpp_open_at_end"]), periods=periods
    )
    by_category = series[("cpp_started_by_category", None)]
    # December: none started; January: P1 (neglect): the categories added up.
    assert [(p.numerator, p.value) for p in by_category.points] == [(0, 0.0), (1, 1.0)]
    assert [p.numerator for p in series[("cpp_open_at_end", "T2")].points] == [1, 1]


def test_a_councillors_rows_are_suppressed_and_say_which_are_small(service, make_user):
    periods = trend_periods(month=JANUARY, months=1)
    rows = suppressed_rows(
        authority=service.authority,
        periods=periods,
        ids=["s47_started"],
    )
    shown = rows.select("team", "numerator", "suppressed", "small").sort("team").rows()
    # North's 3 is small; South's 8 would give it away (11 - 8): withheld, not small.
    assert shown == [
        (None, 11, False, False),
        ("North", None, True, True),
        ("South", None, True, False),
    ]


def test_warning_counts_for_a_team_manager_are_their_teams(service, make_user):
    counts = warning_counts_for_user(
        user=make_user(Role.TEAM_MANAGER, teams=[service.north]),
        wanted=WarningFilter(),
        today=TODAY,
    )
    assert [(c.slug, c.total, c.overdue) for c in counts] == [
        ("visits", 0, 0),
        ("reviews", 0, 0),
        ("initial-conferences", 2, 2),
        ("core-groups", 1, 1),
        ("publication", 1, 0),
        ("unallocated", 0, 0),
    ]


def test_warning_counts_for_the_authority_by_team(service, make_user):
    counts = warning_counts_for_user(
        user=make_user(Role.SENIOR_MANAGER), wanted=WarningFilter(), today=TODAY
    )
    by_slug = {count.slug: count for count in counts}
    assert (by_slug["initial-conferences"].total, by_slug["initial-conferences"].overdue) == (
        10,
        10,
    )
    assert by_slug["initial-conferences"].by_team == {"T1": (2, 2), "T2": (8, 8)}
    assert by_slug["core-groups"].by_team == {"T1": (1, 1), "T2": (1, 1)}
    assert (by_slug["reviews"].total, by_slug["reviews"].overdue) == (1, 0)
    physical = warning_counts_for_user(
        user=make_user(Role.SENIOR_MANAGER), wanted=WarningFilter(category="PHY"), today=TODAY
    )
    # Only S1 is on a plan of physical abuse; the other South children have no category.
    assert {c.slug: c.total for c in physical}["initial-conferences"] == 1


def test_a_warning_list_is_scoped_and_logged(service, make_user):
    manager = make_user(Role.TEAM_MANAGER, teams=[service.north])
    page = warning_list(
        user=manager,
        slug="initial-conferences",
        wanted=WarningFilter(),
        via="/warnings/x/",
        today=TODAY,
    )
    assert [(row["child"], row["ref"], row["due"], row["days"]) for row in page.rows] == [
        ("N2", "EN2", date(2026, 1, 26), -4),
        ("N3", "EN3", date(2026, 1, 26), -4),
    ]
    assert page.as_at == AS_AT and page.total == 2 and page.overdue == 2
    entry = AccessLogEntry.objects.get(record_type=RECORD_TYPE_WARNINGS)
    assert entry.username == manager.username and entry.via == "/warnings/x/"
    assert sorted(
        AccessLogChild.objects.filter(entry=entry).values_list("child_ref", flat=True)
    ) == [
        "N2",
        "N3",
    ]


def test_a_team_role_cannot_ask_for_another_teams_list(service, make_user):
    manager = make_user(Role.TEAM_MANAGER, teams=[service.north])
    with pytest.raises(PermissionDenied):
        warning_list(
            user=manager, slug="visits", wanted=WarningFilter(team="T2"), via="/", today=TODAY
        )


@pytest.mark.parametrize("role", [Role.COUNCILLOR, Role.ADMINISTRATOR])
def test_no_warning_list_for_roles_without_child_level_access(service, make_user, role):
    with pytest.raises(PermissionDenied):
        warning_list(
            user=make_user(role), slug="visits", wanted=WarningFilter(), via="/", today=TODAY
        )
    assert not AccessLogEntry.objects.exists()


def test_an_empty_page_of_a_list_is_not_logged(service, make_user):
    page = warning_list(
        user=make_user(Role.TEAM_MANAGER, teams=[service.north]),
        slug="visits",
        wanted=WarningFilter(),
        via="/",
        today=TODAY,
    )
    assert page.rows == [] and not AccessLogEntry.objects.exists()


def test_the_drill_down_of_a_filtered_figure(service, make_user):
    manager = make_user(Role.TEAM_MANAGER, teams=[service.south])
    page = filtered_records_list(
        user=manager,
        indicator_id="cpp_open_at_end",
        period=JANUARY_PERIOD,
        team=None,
        part="numerator",
        child_filter=ChildFilter(on=date(2026, 1, 31), age_band="5_to_9"),
        via="/indicator/cpp_open_at_end/records/",
    )
    # N1 (North) and S1 (South) are both 5 to 9; a South manager sees S1 only.
    assert [(row["child"], row["ref"]) for row in page.rows] == [("S1", "P2")]
    assert page.total == 1 and page.hidden == 1
    entry = AccessLogEntry.objects.get(record_type="indicator records")
    assert list(AccessLogChild.objects.filter(entry=entry).values_list("child_ref", flat=True)) == [
        "S1"
    ]
    with pytest.raises(PermissionDenied):
        filtered_records_list(
            user=manager,
            indicator_id="cpp_open_at_end",
            period=JANUARY_PERIOD,
            team="T1",
            part="numerator",
            child_filter=ChildFilter(on=date(2026, 1, 31), age_band="5_to_9"),
            via="/",
        )
