"""Reads for users, two-factor sign-in, the access log and subject access."""

from datetime import date, datetime, time, timedelta

from axes.handlers.proxy import AxesProxyHandler
from django.db.models import QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import AccessKind, AccessLogChild, AccessLogEntry, User
from .roles import Role
from .scope import user_scope


def user_get_with_roles(*, user_id: int) -> User:
    return User.objects.prefetch_related("role_assignments", "teams").get(pk=user_id)


def access_log_search(
    *,
    child_ref: str = "",
    username: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AccessLogEntry]:
    entries = AccessLogEntry.objects.select_related("user")
    if child_ref:
        entries = entries.filter(children__child_ref=child_ref.strip())
    if username:
        entries = entries.filter(username__iexact=username.strip())
    zone = timezone.get_current_timezone()
    if date_from:
        entries = entries.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=zone))
    if date_to:
        end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone)
        entries = entries.filter(at__lt=end)
    return entries.distinct()


def access_log_children(*, entries: list[AccessLogEntry]) -> list[str]:
    """The children the given access-log entries cover."""
    return sorted(
        set(AccessLogChild.objects.filter(entry__in=entries).values_list("child_ref", flat=True))
    )


def sign_in_locked(*, request, username: str) -> bool:
    """Whether django-axes has locked this account or the request's address out."""
    return not AxesProxyHandler.is_allowed(request, {"username": username})


def two_factor_required(*, user: User) -> bool:
    """Whether the user must sign in with a second factor.

    Everyone who can see child-level records must; so must administrators, who
    grant roles and read the access log. For others (councillors) it is optional.
    """
    scope = user_scope(user)
    return scope.child_level or scope.has_role(Role.ADMINISTRATOR) or user.is_staff


def two_factor_device(*, user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator-app device, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def two_factor_step(*, user: User) -> str | None:
    """What a signed-in, unverified user must do next: give a code, set up, or nothing."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return "two-factor"
    if two_factor_required(user=user):
        return "two-factor-set-up"
    return None


# --- Subject access ----------------------------------------------------------------


def fact_path_to_child(model, depth: int = 2) -> str | None:
    """The lookup from a fact model to the child it is about (e.g. "plan__child")."""
    from cpqa.casework.models import Child

    if model is Child:
        return ""
    frontier: list[tuple[type, str]] = [(model, "")]
    for _ in range(depth):
        found, following = None, []
        for current, prefix in frontier:
            for field in current._meta.concrete_fields:
                if not field.is_relation or field.name in ("authority", "import_run"):
                    continue
                lookup = f"{prefix}{field.name}"
                if field.related_model is Child:
                    found = found or lookup
                else:
                    following.append((field.related_model, f"{lookup}__"))
        if found is not None:
            return found
        frontier = following
    return None


def _fact_row(obj, table) -> dict:
    row: dict = {}
    for column in table.columns:
        if column.references is not None:
            related = getattr(obj, column.name)
            row[column.name] = related.ref if related is not None else None
        else:
            value = getattr(obj, column.name)
            row[column.name] = value.isoformat() if hasattr(value, "isoformat") else value
    row["recorded_at"] = obj.recorded_at.isoformat()
    row["import_run"] = obj.import_run_id
    return row


def child_subject_access(*, user: User, ref: str, via: str) -> dict | None:
    """Everything cpqa holds about one child, for a subject access request; logged.

    Every fact about the child (from every fact table, directly or through the
    plan, conference or episode it belongs to) and every access-log entry that
    covers the child. None if cpqa holds nothing about that identifier.
    """
    from cpqa.casework.models import Child
    from cpqa.casework.schema import fact_tables

    from .services import access_log_record

    children = Child.objects.filter(ref=ref)
    if user.authority_id is not None:
        children = children.filter(authority_id=user.authority_id)
    child = children.first()
    logged = AccessLogEntry.objects.filter(children__child_ref=ref).exists()
    if child is None and not logged:
        return None
    facts: dict[str, list[dict]] = {}
    if child is not None:
        for table in fact_tables():
            lookup = fact_path_to_child(table.model)
            if lookup is None:
                continue
            rows = table.model.objects.filter(**({lookup: child} if lookup else {"pk": child.pk}))
            related = [column.name for column in table.columns if column.references]
            rows = rows.select_related(*related).order_by("pk")
            if rows:
                facts[table.name] = [_fact_row(obj, table) for obj in rows]
    access_log_record(
        user=user,
        kind=AccessKind.EXPORT,
        via=via,
        record_type="subject access export",
        child_refs=[ref],
    )
    entries = AccessLogEntry.objects.filter(children__child_ref=ref).order_by("at", "pk").distinct()
    return {
        "child_ref": ref,
        "exported_at": timezone.now().isoformat(),
        "exported_by": user.get_username(),
        "facts": facts,
        "access_log": [
            {
                "at": entry.at.isoformat(),
                "username": entry.username,
                "kind": entry.kind,
                "via": entry.via,
                "record_type": entry.record_type,
                "record_count": entry.record_count,
            }
            for entry in entries
        ],
    }
