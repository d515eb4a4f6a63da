import pytest
from django.urls import reverse

from cpqa.accounts.forms import SIGN_IN_FAILED
from cpqa.accounts.models import AccessKind, AccessLogEntry
from cpqa.accounts.roles import Role
from cpqa.accounts.views import NO_ROLE
from tests.accounts.factories import PASSWORD
from tests.accounts.otp import totp_code, totp_device
from tests.casework.factories import ChildFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_sign_in_lands_on_the_role_home(client, make_user, authority):
    user = make_user(Role.TEAM_MANAGER, teams=[TeamFactory(authority=authority)])
    response = client.post(
        reverse("accounts:sign-in"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    # A team manager sees children: the second factor comes next (test_two_factor.py).
    response = client.post(
        reverse("accounts:two-factor"), {"code": totp_code(totp_device(user)), "next": "/"}
    )
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboards:home", args=["team_manager"])
    assert b"Team manager" in response.content


def test_wrong_password_is_refused_with_a_message(client, make_user, authority):
    user = make_user(Role.TEAM_MANAGER, teams=[TeamFactory(authority=authority)])
    response = client.post(
        reverse("accounts:sign-in"), {"username": user.username, "password": "wrong-password-1"}
    )
    assert response.status_code == 200
    assert SIGN_IN_FAILED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_need_sign_in(client):
    for name in ("accounts:home", "casework:child-list", "accounts:access-log"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_each_role_has_its_own_home_and_no_other(client, make_user, authority):
    team = TeamFactory(authority=authority)
    for role in Role:
        user = make_user(role.value, teams=[team])
        client.force_login(user)
        own = client.get(reverse("accounts:role-home", args=[role.value]))
        assert own["Location"] == reverse("dashboards:home", args=[role.value]), role
        other = Role.COUNCILLOR if role != Role.COUNCILLOR else Role.SENIOR_MANAGER
        assert client.get(reverse("accounts:role-home", args=[other])).status_code == 403


def test_user_without_a_role_is_told_so(client, make_user):
    client.force_login(make_user())
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 403
    assert NO_ROLE in response.content.decode()


def test_councillor_cannot_reach_child_pages(client, make_user, authority):
    child = ChildFactory(authority=authority)
    client.force_login(make_user(Role.COUNCILLOR))
    assert client.get(reverse("casework:child-list")).status_code == 403
    response = client.get(reverse("casework:child-detail", args=[child.ref]))
    assert response.status_code == 403
    assert child.ref not in response.content.decode()
    assert not AccessLogEntry.objects.exists()


def test_child_pages_are_scoped_and_logged(client, make_user, authority):
    north = TeamFactory(authority=authority, name="North")
    south = TeamFactory(authority=authority, name="South")
    mine = ChildFactory(authority=authority, team=north)
    theirs = ChildFactory(authority=authority, team=south)
    client.force_login(make_user(Role.SOCIAL_WORKER, teams=[north]))
    listing = client.get(reverse("casework:child-list"))
    assert mine.ref in listing.content.decode()
    assert theirs.ref not in listing.content.decode()
    assert client.get(reverse("casework:child-detail", args=[mine.ref])).status_code == 200
    assert client.get(reverse("casework:child-detail", args=[theirs.ref])).status_code == 403
    assert client.get(reverse("casework:child-detail", args=["NOBODY"])).status_code == 404
    vias = list(AccessLogEntry.objects.order_by("at", "pk").values_list("via", flat=True))
    assert vias == [
        reverse("casework:child-list"),
        reverse("casework:child-detail", args=[mine.ref]),
    ]


def test_access_log_search_is_for_administrators_and_is_logged(client, make_user, authority):
    north = TeamFactory(authority=authority)
    child = ChildFactory(authority=authority, team=north)
    worker = make_user(Role.SOCIAL_WORKER, teams=[north], username="sam")
    client.force_login(worker)
    client.get(reverse("casework:child-detail", args=[child.ref]))
    assert client.get(reverse("accounts:access-log")).status_code == 403

    client.force_login(make_user(Role.ADMINISTRATOR, username="ada"))
    response = client.get(reverse("accounts:access-log"), {"child_ref": child.ref})
    assert response.status_code == 200
    page = response.content.decode()
    assert "sam" in page
    assert reverse("casework:child-detail", args=[child.ref]) in page
    searched = AccessLogEntry.objects.filter(kind=AccessKind.ACCESS_LOG).get()
    assert searched.username == "ada"
    assert list(searched.children.values_list("child_ref", flat=True)) == [child.ref]


def test_security_headers_on_real_responses(client, make_user):
    response = client.get(reverse("accounts:sign-in"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    client.force_login(make_user(Role.SENIOR_MANAGER))
    assert "no-store" in client.get(reverse("accounts:home"), follow=True)["Cache-Control"]
