"""Reads for users and the access log."""

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from .models import AccessLogEntry, User


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
