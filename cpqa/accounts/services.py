"""Writes for users, roles and the access log."""

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from cpqa.core.models import Authority

from .models import AccessKind, AccessLogChild, AccessLogEntry, RoleAssignment, User
from .roles import TEAM_ROLES, Role

TEAM_REQUIRED = "The {role} role needs at least one team (use --team)."
UNKNOWN_ROLE = "Unknown role {role!r}. Choose from: {choices}."
UNKNOWN_TEAM = "No team called {team!r}. Teams: {choices}."
USER_EXISTS = "A user called {username!r} already exists."


class AccountError(ValueError):
    """A request about users that cannot be carried out, with a message to show."""


def user_create(
    *,
    authority: Authority,
    username: str,
    password: str,
    roles: Iterable[str],
    teams: Iterable = (),
    granted_by: User | None = None,
    email: str = "",
    check_password: bool = True,
) -> User:
    roles = list(dict.fromkeys(roles))
    teams = list(teams)
    for role in roles:
        if role not in Role.values:
            raise AccountError(UNKNOWN_ROLE.format(role=role, choices=", ".join(Role.values)))
    if any(role in TEAM_ROLES for role in roles) and not teams:
        team_role = next(role for role in roles if role in TEAM_ROLES)
        raise AccountError(TEAM_REQUIRED.format(role=Role(team_role).label))
    if User.objects.filter(username=username).exists():
        raise AccountError(USER_EXISTS.format(username=username))
    user = User(username=username, authority=authority, email=email)
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user=user, role=role, granted_by=granted_by) for role in roles]
        )
        if teams:
            user.teams.set(teams)
    return user


def access_log_record(
    *,
    user: User,
    kind: str,
    via: str,
    record_type: str,
    child_refs: Iterable[str],
) -> AccessLogEntry:
    """Write one access-log entry for a read of child-level records."""
    if kind not in AccessKind.values:
        raise ValueError(f"kind must be one of {AccessKind.values}")
    refs = sorted(set(child_refs))
    with transaction.atomic():
        entry = AccessLogEntry.objects.create(
            at=timezone.now(),
            user=user,
            username=user.get_username(),
            authority_id=user.authority_id,
            kind=kind,
            via=via[:300],
            record_type=record_type,
            record_count=len(refs),
        )
        AccessLogChild.objects.bulk_create(
            [AccessLogChild(entry=entry, child_ref=ref) for ref in refs], batch_size=2000
        )
    return entry
