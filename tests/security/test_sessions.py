"""Sessions end after inactivity and on request everywhere; every form needs its CSRF token."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cpqa.accounts.roles import Role
from cpqa.accounts.views import CSRF_FAILED, SIGNED_OUT_EVERYWHERE
from tests.accounts.factories import PASSWORD
from tests.accounts.otp import totp_device
from tests.config.test_settings import run_cpqa
from tests.conftest import VerifiedClient

pytestmark = pytest.mark.django_db


def session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_a_session_ends_after_thirty_minutes_without_a_request(client, make_user):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(make_user(Role.SENIOR_MANAGER))
    assert client.get(reverse("accounts:account")).status_code == 200
    Session.objects.filter(pk=session_row(client).pk).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_each_request_moves_the_end_of_the_session_on(client, make_user):
    client.force_login(make_user(Role.SENIOR_MANAGER))
    nearly = timezone.now() + timedelta(minutes=1)  # 29 minutes idle
    Session.objects.filter(pk=session_row(client).pk).update(expire_date=nearly)
    assert client.get(reverse("accounts:account")).status_code == 200
    remaining = session_row(client).expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_the_session_length_comes_from_the_environment():
    result = run_cpqa(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.SESSION_COOKIE_AGE)",
        env={"DJANGO_SETTINGS_MODULE": "cpqa.config.settings.demo", "CPQA_SESSION_MINUTES": "5"},
    )
    assert result.stdout.strip() == "300", result.stderr


def test_sign_out_everywhere_ends_every_session_of_the_user_only(make_user):
    user = make_user(Role.SENIOR_MANAGER)
    other_user = make_user(Role.SENIOR_MANAGER)
    laptop, phone, colleague = VerifiedClient(), VerifiedClient(), VerifiedClient()
    laptop.force_login(user)
    phone.force_login(user)
    colleague.force_login(other_user)
    for client in (laptop, phone, colleague):
        assert client.get(reverse("accounts:account")).status_code == 200
    response = laptop.post(reverse("accounts:sign-out-everywhere"), follow=True)
    assert SIGNED_OUT_EVERYWHERE in response.content.decode()
    for client in (laptop, phone):
        ended = client.get(reverse("accounts:account"))
        assert ended.status_code == 302
        assert ended["Location"].startswith(reverse("accounts:sign-in"))
    assert colleague.get(reverse("accounts:account")).status_code == 200
    # Signing in again works as before.
    again = Client()
    again.post(reverse("accounts:sign-in"), {"username": user.username, "password": PASSWORD})
    assert again.get(reverse("accounts:account"))["Location"].startswith(
        reverse("accounts:two-factor")
    )


def test_session_and_csrf_cookies_are_http_only_and_same_site(make_user):
    user = make_user(Role.COUNCILLOR)
    client = Client()
    page = client.get(reverse("accounts:sign-in"))
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client.post(
        reverse("accounts:sign-in"), {"username": user.username, "password": PASSWORD}
    )
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert not session["max-age"], "the session cookie ends with the browser"
    # Secure in production: tests/security/test_production.py reads a real response.


FORMS_WITH_POST = [
    ("accounts:sign-in", False),
    ("accounts:sign-out", True),
    ("accounts:two-factor", "unverified"),
    ("accounts:two-factor-set-up", "unverified"),
    ("accounts:recovery-codes-new", True),
    ("accounts:two-factor-replace", True),
    ("accounts:sign-out-everywhere", True),
]


@pytest.mark.parametrize(("name", "signed_in"), FORMS_WITH_POST)
def test_a_post_without_the_csrf_token_is_refused(name, signed_in, make_user):
    user = make_user(Role.SENIOR_MANAGER)
    client = Client(enforce_csrf_checks=True)
    if signed_in == "unverified":
        client.force_login(user)  # signed in, not yet past the second factor
        if name == "accounts:two-factor":
            totp_device(user)
    elif signed_in:
        verified = VerifiedClient(enforce_csrf_checks=True)
        verified.force_login(user)
        client = verified
    data = {"username": user.username, "password": PASSWORD, "code": "123456"}
    response = client.post(reverse(name), data)
    assert response.status_code == 403, name
    assert CSRF_FAILED in response.content.decode()
    # Nothing happened: still signed in (or still not).
    assert ("_auth_user_id" in client.session) == bool(signed_in)
