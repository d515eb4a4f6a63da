"""The demo: the synthetic authority and a user for every role."""

import secrets
import string
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from cpqa.accounts.models import User
from cpqa.accounts.roles import TEAM_ROLES, Role
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
        users.append(DemoUser(username, role.label, user_teams, password or "(set elsewhere)"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{u.username}\t{u.password}\n" for u in users))
    path.chmod(0o600)
    return users
