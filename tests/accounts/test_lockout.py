"""Lock-out after repeated failed sign-ins, per account and per address (django-axes)."""

import io
import logging
import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from cpqa.accounts.forms import CODE_WRONG, SIGN_IN_FAILED
from cpqa.accounts.lockout import LOCKED_OUT, client_address, lockout_minutes
from cpqa.accounts.roles import Role
from tests.accounts.factories import PASSWORD
from tests.accounts.otp import totp_code, totp_device
from tests.config.test_settings import run_cpqa

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT
LOCKED_TEXT = LOCKED_OUT.format(minutes=lockout_minutes())


def attempt(client: Client, username: str, password: str, address: str = "10.1.1.1"):
    return client.post(
        reverse("accounts:sign-in"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def without_token(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_the_limit_is_five_by_default():
    assert LIMIT == 5


def test_an_account_is_locked_after_repeated_failures_even_with_the_right_password(make_user):
    user = make_user(Role.COUNCILLOR)
    client = Client()
    for _ in range(LIMIT - 1):
        response = attempt(client, user.username, "not-the-password")
        assert response.status_code == 200
        assert SIGN_IN_FAILED in response.content.decode()
    locked = attempt(client, user.username, "not-the-password")
    assert locked.status_code == 429
    assert LOCKED_TEXT in locked.content.decode()
    # From another address, with the right password: still locked (per account).
    again = attempt(Client(), user.username, PASSWORD, address="10.9.9.9")
    assert again.status_code == 429
    assert "_auth_user_id" not in Client().session


def test_the_lock_out_does_not_reveal_whether_the_username_exists(make_user):
    user = make_user(Role.COUNCILLOR)
    pages = {}
    for username, address in ((user.username, "10.0.0.1"), ("no-such-person", "10.0.0.2")):
        client = Client()
        responses = [attempt(client, username, "wrong-password-1", address) for _ in range(LIMIT)]
        first, last = responses[0], responses[-1]
        pages[username] = (
            first.status_code,
            without_token(first.content.decode()).replace(username, "NAME"),
            last.status_code,
            without_token(last.content.decode()),
        )
    assert pages[user.username] == pages["no-such-person"]
    assert pages["no-such-person"][2] == 429
    assert user.username not in pages[user.username][3]


def test_an_address_is_locked_after_failures_across_accounts(make_user):
    user = make_user(Role.COUNCILLOR)
    client = Client()
    for number in range(LIMIT):
        attempt(client, f"guess{number}", "wrong-password-1", address="10.2.2.2")
    assert attempt(Client(), user.username, PASSWORD, address="10.2.2.2").status_code == 429
    response = attempt(Client(), user.username, PASSWORD, address="10.3.3.3")
    assert response.status_code == 302


def test_lock_outs_are_logged(make_user, caplog):
    user = make_user(Role.COUNCILLOR)
    with caplog.at_level(logging.WARNING, logger="axes"):
        for _ in range(LIMIT):
            attempt(Client(), user.username, "wrong-password-1")
    assert any("Locking out" in record.getMessage() for record in caplog.records)
    assert user.username in caplog.text and "10.1.1.1" in caplog.text
    assert AccessAttempt.objects.get(username=user.username).failures_since_start == LIMIT
    assert AccessFailureLog.objects.filter(username=user.username).count() == LIMIT
    # The password tried is never kept.
    assert "wrong-password-1" not in AccessAttempt.objects.get().post_data


def test_the_cool_off_ends_the_lock_out(make_user):
    user = make_user(Role.COUNCILLOR)
    for _ in range(LIMIT):
        attempt(Client(), user.username, "wrong-password-1")
    assert attempt(Client(), user.username, PASSWORD).status_code == 429
    past = AccessAttempt.objects.get().attempt_time - timedelta(minutes=lockout_minutes() + 1)
    AccessAttempt.objects.update(attempt_time=past)
    assert attempt(Client(), user.username, PASSWORD).status_code == 302


def test_the_cool_off_and_limit_come_from_the_environment():
    result = run_cpqa(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.AXES_COOLOFF_TIME * 60, s.AXES_FAILURE_LIMIT, s.AXES_LOCKOUT_PARAMETERS)",
        env={
            "DJANGO_SETTINGS_MODULE": "cpqa.config.settings.demo",
            "CPQA_LOCKOUT_MINUTES": "45",
            "CPQA_LOCKOUT_FAILURES": "7",
            "CPQA_LOCKOUT_BY": "account,account+address",
        },
    )
    assert result.stdout.split() == [
        "45.0",
        "7",
        "['username',",
        "['username',",
        "'ip_address']]",
    ], result.stderr


def test_an_administrator_unlocks_at_the_command_line(make_user):
    user = make_user(Role.COUNCILLOR)
    for _ in range(LIMIT):
        attempt(Client(), user.username, "wrong-password-1")
    out = io.StringIO()
    call_command("user", "unlock", user.username, stdout=out)
    assert f"Unlocked {user.username}" in out.getvalue()
    assert attempt(Client(), user.username, PASSWORD).status_code == 302


def test_an_administrator_unlocks_in_the_admin(make_user, admin_client):
    user = make_user(Role.COUNCILLOR)
    for _ in range(LIMIT):
        attempt(Client(), user.username, "wrong-password-1")
    locked = AccessAttempt.objects.get(username=user.username)
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert user.username in listing.content.decode()
    response = admin_client.post(
        reverse("admin:axes_accessattempt_delete", args=[locked.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert attempt(Client(), user.username, PASSWORD).status_code == 302


def test_the_sign_in_records_cannot_be_changed_or_removed_in_the_admin(make_user, admin_client):
    user = make_user(Role.COUNCILLOR)
    attempt(Client(), user.username, "wrong-password-1")
    failure = AccessFailureLog.objects.get()
    assert (
        admin_client.get(reverse("admin:axes_accessfailurelog_delete", args=[failure.pk]))
    ).status_code == 403
    change = admin_client.get(reverse("admin:axes_accessfailurelog_change", args=[failure.pk]))
    assert 'name="_save"' not in change.content.decode()


def test_wrong_two_factor_codes_lock_the_account_and_sign_out(make_user):
    user = make_user(Role.SENIOR_MANAGER)
    device = totp_device(user)
    client = Client()
    attempt(client, user.username, PASSWORD)
    for _ in range(LIMIT - 1):
        device.refresh_from_db()
        device.throttling_failure_count = 0
        device.save()
        response = client.post(reverse("accounts:two-factor"), {"code": "000000"})
        assert CODE_WRONG in response.content.decode()
    last = client.post(reverse("accounts:two-factor"), {"code": "000000"})
    assert last.status_code == 429
    assert LOCKED_TEXT in last.content.decode()
    assert "_auth_user_id" not in client.session
    # Even the right password and code no longer get in until unlocked.
    assert attempt(Client(), user.username, PASSWORD, address="10.7.7.7").status_code == 429
    call_command("user", "unlock", user.username, "--address", "10.1.1.1", stdout=io.StringIO())
    fresh = Client()
    assert attempt(fresh, user.username, PASSWORD).status_code == 302
    response = fresh.post(reverse("accounts:two-factor"), {"code": totp_code(device)})
    assert response.status_code == 302


def test_force_login_is_not_a_sign_in_attempt(client, make_user):
    user = make_user(Role.COUNCILLOR)
    for _ in range(LIMIT):
        attempt(Client(), user.username, "wrong-password-1")
    client.force_login(user)
    assert client.get(reverse("accounts:home"), follow=True).status_code == 200
    assert AccessAttempt.objects.get().failures_since_start == LIMIT


@override_settings(CPQA_PROXY_COUNT=1)
def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9"
    )
    assert client_address(request) == "203.0.113.9"
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5")
    assert client_address(request) == "10.0.0.5"


def test_without_a_proxy_a_forwarded_header_is_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "10.0.0.5"


def test_the_test_clients_login_counts_like_the_sign_in_page(client, make_user):
    user = make_user(Role.SENIOR_MANAGER)
    assert not client.login(username=user.username, password="wrong-password-1")
    assert AccessAttempt.objects.get(username=user.username).failures_since_start == 1
    assert client.login(username=user.username, password=PASSWORD)
    assert client.get(reverse("casework:child-list")).status_code == 200
