"""The demo: the synthetic authority and a user for every role."""

import base64
import secrets
import string
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpqa.accounts.models import User
from cpqa.accounts.roles import TEAM_ROLES, Role
from cpqa.accounts.selectors import two_factor_required
from cpqa.accounts.services import user_create
from cpqa.casework.models import Team
from cpqa.core.models import Authority

DEMO_USERS_FILE = Path(settings.BASE_DIR) / "var" / "demo-users.txt"
ALPHABET = string.ascii_letters + string.digits


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    team: str
    password: str
    # The authenticator key (base32) for roles that must use two-factor sign-in.
    two_factor_key: str = ""


def demo_username(role: str) -> str:
    return role.replace("_", ".")


def _saved_passwords(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    saved = {}
    for line in path.read_text().splitlines():
        username, _, password = line.partition("\t")
        if username and password:
            saved[username] = password
    return saved


def demo_users_ensure(*, authority: Authority, path: Path = DEMO_USERS_FILE) -> list[DemoUser]:
    """A user for every role, created once; passwords kept in var/ for the demo only."""
    saved = _saved_passwords(path)
    team = Team.objects.filter(authority=authority).order_by("ref").first()
    users = []
    for role in Role:
        username = demo_username(role.value)
        password = saved.get(username)
        if not User.objects.filter(username=username).exists():
            password = "".join(secrets.choice(ALPHABET) for _ in range(16))
            teams = [team] if role in TEAM_ROLES and team is not None else []
            user = user_create(
                authority=authority,
                username=username,
                password=password,
                roles=[role.value],
                teams=teams,
            )
            if role == Role.ADMINISTRATOR:
                User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
        user_teams = ", ".join(
            User.objects.get(username=username).teams.values_list("name", flat=True)
        )
        key = demo_two_factor_key(user=User.objects.get(username=username))
        users.append(DemoUser(username, role.label, user_teams, password or "(set elsewhere)", key))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{u.username}\t{u.password}\n" for u in users))
    path.chmod(0o600)
    return users


DEMO_DEVICE_NAME = "Demo authenticator"
NO_DEMO_DEVICE = "{username} has no demo authenticator: run `cpqa demo` first."


def demo_two_factor_key(*, user: User) -> str:
    """A confirmed authenticator device for a demo user who needs one; its key in base32.

    Real users enrol on first sign-in; demo users get a device made here so that
    the demo can be walked without a phone (`cpqa demo --code USER` shows the code).
    """
    if not two_factor_required(user=user):
        return ""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, confirmed=True)
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def demo_code(*, username: str) -> str:
    """The code the demo user's authenticator would show now."""
    device = (
        TOTPDevice.objects.filter(user__username=username, confirmed=True).order_by("pk").first()
    )
    if device is None:
        raise LookupError(NO_DEMO_DEVICE.format(username=username))
    code = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift
    )
    return f"{code:0{device.digits}d}"
