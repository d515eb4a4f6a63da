"""Two-factor sign-in: who must use it, enrolment, codes, recovery codes."""

import base64
import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpqa.accounts.forms import CODE_WRONG, SET_UP_CODE_WRONG
from cpqa.accounts.roles import Role
from cpqa.accounts.views import RECOVERY_CODES_GONE
from tests.accounts.factories import PASSWORD
from tests.accounts.otp import totp_code, totp_device
from tests.casework.factories import ChildFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plain():
    """A client that signs in through the pages, as a person does."""
    return Client()


def sign_in(client: Client, user, next_url: str = "") -> str:
    data = {"username": user.username, "password": PASSWORD}
    url = reverse("accounts:sign-in") + (f"?next={next_url}" if next_url else "")
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    return response.redirect_chain[-1][0]


def secret_shown(page: str) -> str:
    """The key as the page shows it for typing into an app."""
    return re.search(r'<code class="cpqa-secret" id="secret">([A-Z2-7 ]+)</code>', page)[1]


def app_code(secret: str) -> str:
    """What an authenticator app shows for a typed-in key, now."""
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{totp(key):06d}"


def test_a_child_level_user_without_a_device_must_set_one_up_first(plain, make_user, authority):
    north = TeamFactory(authority=authority)
    child = ChildFactory(authority=authority, team=north)
    user = make_user(Role.SOCIAL_WORKER, teams=[north])
    landed = sign_in(plain, user)
    assert landed.startswith(reverse("accounts:two-factor-set-up"))
    for url in (
        reverse("accounts:home"),
        reverse("casework:child-list"),
        reverse("casework:child-detail", args=[child.ref]),
        reverse("accounts:account"),
        reverse("accounts:two-factor"),
        "/admin/",
    ):
        response = plain.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:two-factor-set-up")), url
    assert child.ref not in plain.get(reverse("accounts:two-factor-set-up")).content.decode()
    # Signing out is always possible.
    assert plain.post(reverse("accounts:sign-out")).status_code == 302
    assert "_auth_user_id" not in plain.session


def test_enrolment_shows_a_qr_code_and_the_key_then_recovery_codes_once(
    plain, make_user, authority
):
    user = make_user(Role.SENIOR_MANAGER)
    sign_in(plain, user, next_url=reverse("casework:child-list"))
    page = plain.get(reverse("accounts:two-factor-set-up")).content.decode()
    assert '<svg role="img" aria-label="QR code for your app"' in page
    assert "<script" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    secret = secret_shown(page)
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert base64.b32decode(secret.replace(" ", "")) == device.bin_key

    wrong = plain.post(reverse("accounts:two-factor-set-up"), {"code": "000000"})
    assert SET_UP_CODE_WRONG in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0  # a person types more slowly than a test
    device.save()

    response = plain.post(
        reverse("accounts:two-factor-set-up"),
        {"code": app_code(secret), "next": reverse("casework:child-list")},
    )
    assert response["Location"] == reverse("accounts:recovery-codes")
    shown = plain.get(reverse("accounts:recovery-codes")).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", shown)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert sorted(codes) == sorted(StaticToken.objects.values_list("token", flat=True))
    assert f'href="{reverse("casework:child-list")}"' in shown
    again = plain.get(reverse("accounts:recovery-codes"), follow=True)
    assert RECOVERY_CODES_GONE in again.content.decode()
    assert not any(code in again.content.decode() for code in codes)
    # Verified now: the pages open.
    assert plain.get(reverse("casework:child-list")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_later_sign_ins_ask_for_a_code_which_works_once(plain, make_user, authority):
    user = make_user(Role.CONFERENCE_CHAIR)
    device = totp_device(user)
    landed = sign_in(plain, user, next_url=reverse("casework:child-list"))
    assert landed.startswith(reverse("accounts:two-factor"))
    wrong = plain.post(reverse("accounts:two-factor"), {"code": "12345"})
    assert CODE_WRONG in wrong.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    code = totp_code(device)
    response = plain.post(
        reverse("accounts:two-factor"), {"code": code, "next": reverse("casework:child-list")}
    )
    assert response["Location"] == reverse("casework:child-list")
    assert plain.get(reverse("casework:child-list")).status_code == 200

    # The same code cannot be used again, even in another sign-in.
    other = Client()
    sign_in(other, user)
    replay = other.post(reverse("accounts:two-factor"), {"code": code})
    assert CODE_WRONG in replay.content.decode()
    assert other.get(reverse("accounts:home"))["Location"].startswith(
        reverse("accounts:two-factor")
    )


def test_a_recovery_code_works_once(plain, make_user, authority):
    user = make_user(Role.DATA_OFFICER)
    totp_device(user)
    device = StaticDevice.objects.create(user=user, name="Recovery codes")
    device.token_set.create(token="abcd2345ef")
    sign_in(plain, user)
    assert plain.post(reverse("accounts:two-factor"), {"code": "ABCD 2345 EF"}).status_code == 302
    assert plain.get(reverse("accounts:home"), follow=True).status_code == 200
    assert not device.token_set.exists()
    other = Client()
    sign_in(other, user)
    StaticDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    assert (
        CODE_WRONG
        in other.post(reverse("accounts:two-factor"), {"code": "abcd2345ef"}).content.decode()
    )


def test_a_councillor_without_a_device_is_not_asked_to_set_one_up(plain, make_user):
    user = make_user(Role.COUNCILLOR)
    landed = sign_in(plain, user)
    assert landed == reverse("dashboards:home", args=["councillor"])
    account = plain.get(reverse("accounts:account")).content.decode()
    assert "Not set up (optional for your role)" in account
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_a_councillor_may_choose_two_factor_and_is_then_asked_for_codes(plain, make_user):
    user = make_user(Role.COUNCILLOR)
    sign_in(plain, user)
    page = plain.get(reverse("accounts:two-factor-set-up")).content.decode()
    plain.post(reverse("accounts:two-factor-set-up"), {"code": app_code(secret_shown(page))})
    plain.post(reverse("accounts:sign-out"))
    assert sign_in(plain, user).startswith(reverse("accounts:two-factor"))


def test_administrators_must_use_two_factor_too(plain, make_user):
    user = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    assert sign_in(plain, user).startswith(reverse("accounts:two-factor-set-up"))
    assert plain.get("/admin/")["Location"].startswith(reverse("accounts:two-factor-set-up"))
    assert plain.get(reverse("accounts:access-log")).status_code == 302


def test_the_admin_has_no_sign_in_of_its_own(plain, make_user):
    response = plain.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:sign-in"))
    signed_in = Client()
    signed_in.force_login(make_user(Role.COUNCILLOR))
    assert signed_in.get("/admin/login/").status_code == 403


def test_replacing_the_phone_removes_the_device_and_signs_out(client, make_user, authority):
    user = make_user(Role.TEAM_MANAGER, teams=[TeamFactory(authority=authority)])
    client.force_login(user)
    response = client.post(reverse("accounts:two-factor-replace"))
    assert response["Location"] == reverse("accounts:sign-in")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert "_auth_user_id" not in client.session


def test_new_recovery_codes_replace_the_old(client, make_user):
    user = make_user(Role.SENIOR_MANAGER)
    client.force_login(user)
    old = StaticDevice.objects.create(user=user, name="Recovery codes")
    old.token_set.create(token="oldcode234")
    response = client.post(reverse("accounts:recovery-codes-new"), follow=True)
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())
    assert len(codes) == 10
    assert not StaticToken.objects.filter(token="oldcode234").exists()


def test_the_admin_never_shows_a_device_secret(admin_client, make_user, authority):
    user = make_user(Role.SOCIAL_WORKER, teams=[TeamFactory(authority=authority)])
    device = totp_device(user)
    secret = base64.b32encode(device.bin_key).decode()
    for url in (
        reverse("admin:otp_totp_totpdevice_changelist"),
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk]),
    ):
        page = admin_client.get(url).content.decode()
        assert device.key not in page and secret not in page, url
    assert admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code in (
        302,
        404,
    )
    assert admin_client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403


def test_an_administrator_resets_a_lost_phone_at_the_command_line(make_user):
    import io

    from django.core.management import call_command

    user = make_user(Role.OPERATIONS_MANAGER)
    totp_device(user)
    StaticDevice.objects.create(user=user, name="Recovery codes")
    session = Client()
    session.force_login(user)
    out = io.StringIO()
    call_command("user", "reset-two-factor", user.username, stdout=out)
    assert "set it up again when they next sign in" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    # Their sessions ended; at the next sign-in they set up again.
    assert session.get(reverse("accounts:home"))["Location"].startswith(reverse("accounts:sign-in"))
    assert sign_in(Client(), user).startswith(reverse("accounts:two-factor-set-up"))


def test_administrators_cannot_give_themselves_a_role_in_the_admin(admin_client, make_user):
    from django.contrib import admin
    from django.test import RequestFactory

    from cpqa.accounts.admin import RoleAssignmentInline
    from cpqa.accounts.models import User

    administrator = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    other = make_user(Role.COUNCILLOR)
    request = RequestFactory().get("/admin/")
    request.user = administrator
    inline = RoleAssignmentInline(User, admin.site)
    assert not inline.has_add_permission(request, administrator)
    assert not inline.has_delete_permission(request, administrator)
    assert inline.has_add_permission(request, other)


def test_the_admin_signs_users_out_everywhere(admin_client, make_user):
    user = make_user(Role.COUNCILLOR)
    session = Client()
    session.force_login(user)
    assert session.get(reverse("accounts:account")).status_code == 200
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "sign_out_everywhere", "_selected_action": [user.pk]},
    )
    assert response.status_code == 302
    assert session.get(reverse("accounts:account")).status_code == 302
