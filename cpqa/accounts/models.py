from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac

from .roles import Role


class User(AbstractUser):
    """A person who signs in. Their roles and teams decide what they may see."""

    authority = models.ForeignKey(
        "core.Authority", on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    teams = models.ManyToManyField(
        "casework.Team",
        blank=True,
        related_name="members",
        help_text="For team roles: the teams whose children the user may see.",
    )
    session_generation = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Raised to end every session of the user (sign out everywhere).",
    )

    @property
    def role_set(self) -> frozenset[str]:
        # Read through the prefetch cache when there is one.
        return frozenset(assignment.role for assignment in self.role_assignments.all())

    def _get_session_auth_hash(self, secret=None) -> str:
        # Django keeps this hash in each session and ends the session when it no longer
        # matches: it covers the password, and here also the session generation.
        return salted_hmac(
            "cpqa.accounts.User.session_auth_hash",
            f"{self.password}\n{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=40, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"], name="accounts_one_assignment_per_role"
            )
        ]
        ordering = ["user", "role"]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class AccessKind(models.TextChoices):
    PAGE = "page", "Page"
    EXPORT = "export", "Export"
    API = "api", "API"
    ACCESS_LOG = "access_log", "Access log search"


class AccessLogQuerySet(models.QuerySet):
    """The access log is append-only: no update or delete through the ORM."""

    def update(self, **kwargs):
        raise PermissionError("The access log is append-only.")

    def delete(self):
        raise PermissionError("The access log is append-only.")


class AccessLogEntry(models.Model):
    """One read of child-level records: who, when, which records, which page."""

    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    username = models.CharField(max_length=150, help_text="Kept even if the user is renamed.")
    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=AccessKind.choices)
    via = models.CharField(max_length=300, help_text="The page, export or API address.")
    record_type = models.CharField(max_length=40, help_text="e.g. child, protection plan")
    record_count = models.PositiveIntegerField()

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "access log entries"

    def __str__(self) -> str:
        # Not the address: it can name a child, and this shows where nothing is logged.
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.kind} {self.record_type}"

    def delete(self, *args, **kwargs):
        raise PermissionError("The access log is append-only.")


class AccessLogChild(models.Model):
    """A child whose record an access-log entry covered, for searching by child."""

    entry = models.ForeignKey(AccessLogEntry, on_delete=models.PROTECT, related_name="children")
    child_ref = models.CharField(max_length=100, db_index=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "child_ref"], name="accounts_log_child_once")
        ]

    def __str__(self) -> str:
        return f"access-log entry {self.entry_id}, child"

    def delete(self, *args, **kwargs):
        raise PermissionError("The access log is append-only.")
