"""Writes for users, roles and the access log."""

from collections.abc import Iterable

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpqa.core.models import Authority

from .models import AccessKind, AccessLogChild, AccessLogEntry, RoleAssignment, User
from .roles import TEAM_ROLES, Role

TEAM_REQUIRED = "The {role} role needs at least one team (use --team)."
UNKNOWN_ROLE = "Unknown role {role!r}. Choose from: {choices}."
UNKNOWN_TEAM = "No team called {team!r}. Teams: {choices}."
USER_EXISTS = "A user called {username!r} already exists."
UNLOCK_NEEDS_TARGET = "Give a username or an address to unlock."


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


# --- Two-factor sign-in ----------------------------------------------------------

AUTHENTICATOR_APP = "Authenticator app"
RECOVERY_CODES = "Recovery codes"


def two_factor_set_up_start(*, user: User) -> TOTPDevice:
    """The authenticator-app device being set up: one unconfirmed device, kept until used."""
    with transaction.atomic():
        pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk")
        device = pending.first()
        if device is None:
            return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_APP, confirmed=False)
        pending.exclude(pk=device.pk).delete()
    return device


def two_factor_set_up_confirm(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device being set up with a code from the app; new recovery codes.

    Returns the recovery codes (to show once), or None if the code is not right.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device.pk).first()
        if device is None or device.confirmed or not device.verify_token(_digits(code)):
            return None  # (confirmed already: a form sent twice)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
        return recovery_codes_replace(user=device.user)


def recovery_codes_replace(*, user: User) -> list[str]:
    """New one-use recovery codes for the user; the old ones stop working."""
    count = settings.CPQA_RECOVERY_CODES
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_CODES, confirmed=True)
        codes: list[str] = []
        while len(codes) < count:
            code = StaticToken.random_token()
            if code not in codes:
                codes.append(code)
        StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def two_factor_verify(*, user: User, code: str) -> Device | None:
    """The device that accepts the code (from the app, or a recovery code, used up), if any."""
    devices: list[Device] = [
        *TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"),
        *StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk"),
    ]
    for device in devices:
        token = _digits(code) if isinstance(device, TOTPDevice) else _recovery(code)
        if token and (verified := verify_token(user, device.persistent_id, token)):
            return verified
    return None


def two_factor_failure_record(*, request, user: User) -> bool:
    """Count a wrong code towards the lock-out, as a wrong password is; locked out now?"""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )
    return bool(getattr(request, "axes_locked_out", False))


def two_factor_reset(*, user: User) -> int:
    """Remove the user's authenticator app and recovery codes (a lost phone).

    The user sets two-factor sign-in up again when they next sign in, and every
    session of theirs ends.
    """
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        removed += StaticDevice.objects.filter(user=user).delete()[0]
        user_sessions_end(user=user)
    return removed


def _digits(code: str) -> str:
    cleaned = "".join(code.split()).replace("-", "")
    return cleaned if cleaned.isascii() and cleaned.isdigit() and len(cleaned) <= 8 else ""


def _recovery(code: str) -> str:
    cleaned = "".join(code.split()).replace("-", "").lower()
    return cleaned if cleaned.isascii() and cleaned.isalnum() and len(cleaned) <= 16 else ""


# --- Sessions and lock-out ---------------------------------------------------------


def user_sessions_end(*, user: User) -> None:
    """End every session of the user, on every device (sign out everywhere).

    Each session holds a hash of the user's session generation (see
    User._get_session_auth_hash): raising it makes every one of them stale.
    """
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


def user_unlock(*, username: str = "", address: str = "") -> int:
    """Clear the failed sign-ins of an account and/or an address; how many were cleared."""
    if not username and not address:
        raise AccountError(UNLOCK_NEEDS_TARGET)
    cleared = 0
    with transaction.atomic():
        if username:
            cleared += axes_reset(username=username)
            for model in (TOTPDevice, StaticDevice):
                model.objects.filter(user__username=username).update(
                    throttling_failure_count=0, throttling_failure_timestamp=None
                )
        if address:
            cleared += axes_reset(ip=address)
    return cleared
