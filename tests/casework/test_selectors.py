"""Scoping is enforced in the selectors, and every child-level read is logged."""

import pytest
from django.core.exceptions import PermissionDenied

from cpqa.accounts.models import AccessLogChild, AccessLogEntry
from cpqa.accounts.roles import Role
from cpqa.casework.selectors import (
    NOT_YOUR_TEAM,
    child_get,
    child_list,
    fact_frame,
)
from tests.casework.factories import ChildFactory, ProtectionPlanFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_teams(authority):
    north = TeamFactory(authority=authority, name="North")
    south = TeamFactory(authority=authority, name="South")
    north_children = [ChildFactory(authority=authority, team=north) for _ in range(3)]
    south_children = [ChildFactory(authority=authority, team=south) for _ in range(2)]
    return north, south, north_children, south_children


def test_team_manager_sees_only_their_team(make_user, two_teams):
    north, _south, north_children, south_children = two_teams
    manager = make_user(Role.TEAM_MANAGER, teams=[north])
    children, total = child_list(user=manager, via="/children/")
    assert total == 3
    assert {c.ref for c in children} == {c.ref for c in north_children}
    child_get(user=manager, ref=north_children[0].ref, via="/children/x/")
    with pytest.raises(PermissionDenied, match=NOT_YOUR_TEAM):
        child_get(user=manager, ref=south_children[0].ref, via="/children/y/")


def test_authority_roles_see_every_team(make_user, two_teams):
    for role in (
        Role.OPERATIONS_MANAGER,
        Role.SENIOR_MANAGER,
        Role.CONFERENCE_CHAIR,
        Role.AUDIT_MANAGER,
        Role.REVIEWING_OFFICER,
        Role.DATA_OFFICER,
    ):
        user = make_user(role)
        _, total = child_list(user=user, via="/children/")
        assert total == 5, role


@pytest.mark.parametrize("role", [Role.COUNCILLOR, Role.ADMINISTRATOR])
def test_roles_without_child_access_are_refused(make_user, two_teams, role):
    user = make_user(role)
    with pytest.raises(PermissionDenied):
        child_list(user=user, via="/children/")
    with pytest.raises(PermissionDenied):
        child_get(user=user, ref=two_teams[2][0].ref, via="/children/x/")
    assert AccessLogEntry.objects.count() == 0


def test_team_role_with_no_team_sees_nobody(make_user, two_teams):
    worker = make_user(Role.SOCIAL_WORKER)
    children, total = child_list(user=worker, via="/children/")
    assert (children, total) == ([], 0)


def test_other_authorities_children_are_never_seen(make_user, two_teams):
    from tests.core.factories import AuthorityFactory

    other = AuthorityFactory(code="OTHER", name="Elsewhere")
    stranger = ChildFactory(authority=other, team=TeamFactory(authority=other))
    manager = make_user(Role.SENIOR_MANAGER)
    children, total = child_list(user=manager, via="/children/")
    assert stranger.ref not in {c.ref for c in children}
    assert total == 5


def test_reads_are_logged_with_the_children_they_showed(make_user, two_teams):
    north, _, north_children, _ = two_teams
    manager = make_user(Role.TEAM_MANAGER, teams=[north])
    child_list(user=manager, via="/children/?team=1")
    entry = AccessLogEntry.objects.get()
    assert entry.user == manager
    assert entry.via == "/children/?team=1"
    assert entry.record_count == 3
    assert set(AccessLogChild.objects.values_list("child_ref", flat=True)) == {
        c.ref for c in north_children
    }
    child_get(user=manager, ref=north_children[1].ref, via="/children/C/")
    latest = AccessLogEntry.objects.first()
    assert latest.record_type == "child record"
    assert list(latest.children.values_list("child_ref", flat=True)) == [north_children[1].ref]


def test_a_refused_read_is_not_logged_as_a_view(make_user, two_teams):
    north, _, _, south_children = two_teams
    manager = make_user(Role.TEAM_MANAGER, teams=[north])
    with pytest.raises(PermissionDenied):
        child_get(user=manager, ref=south_children[0].ref, via="/children/x/")
    assert not AccessLogEntry.objects.exists()


def test_fact_frame_is_canonical(authority, two_teams):
    north, _, north_children, _ = two_teams
    ProtectionPlanFactory(authority=authority, child=north_children[0], ref="PX", end_reason="")
    frame = fact_frame(authority=authority, table="protection_plan")
    row = frame.row(0, named=True)
    assert row["ref"] == "PX"
    assert row["child"] == north_children[0].ref
    assert row["team"] == north.ref
    assert row["end_reason"] is None  # blank text reads as not recorded
    children = fact_frame(authority=authority, table="child")
    assert set(children["team"].drop_nulls()) == {t.ref for t in two_teams[:2]}
