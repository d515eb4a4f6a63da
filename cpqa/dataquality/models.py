"""Stored results of the data-quality checks, refreshed with every import.

The checks run over the whole of an authority's data, so they are computed
once when the data changes (services.findings_refresh) and stored here, with
the data version they were computed from; pages read them back, filtered,
scoped and paginated by the database. Only the latest run of an authority is
kept: findings of data that has since changed are of no use.

Each finding and completeness gap keeps two teams: `team`, the team of the
record (else the child's), which the pages group and filter by; and
`child_team`, the child's current team, which decides who may see it (as
`Child.team` does for the child's record).
"""

from django.db import models


class Severity(models.TextChoices):
    ERROR = "error", "Error"
    QUERY = "query", "Query"


class ValidationRun(models.Model):
    """One run of the rules and completeness checks over an authority's data."""

    authority = models.ForeignKey("core.Authority", on_delete=models.CASCADE, related_name="+")
    data_version = models.PositiveBigIntegerField()
    reference_date = models.DateField(help_text="The CIN census reference date (31 March).")
    as_at = models.DateField(help_text="The day the data stands at.")
    region = models.CharField(max_length=10)
    created_at = models.DateTimeField()
    seconds = models.FloatField(default=0)
    outcomes = models.JSONField(
        default=dict, help_text="Per rule: status (ran, not_run, failed), count, seconds, note."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Checks of data version {self.data_version} ({self.created_at:%Y-%m-%d %H:%M})"


class Finding(models.Model):
    """A record that fails one of the DfE CIN census rules."""

    run = models.ForeignKey(ValidationRun, on_delete=models.CASCADE, related_name="findings")
    authority = models.ForeignKey("core.Authority", on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=10)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    child_ref = models.CharField(max_length=100, blank=True)
    table = models.CharField(max_length=40)
    record_ref = models.CharField(max_length=100, blank=True)
    field = models.CharField(max_length=60)
    value = models.CharField(max_length=200, blank=True)
    message = models.TextField()
    detail = models.TextField(blank=True)
    team = models.ForeignKey(
        "casework.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    worker = models.ForeignKey(
        "casework.Professional", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    child_team = models.ForeignKey(
        "casework.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data_version = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["rule", "child_ref", "table", "record_ref", "pk"]
        indexes = [
            models.Index(fields=["authority", "rule"], name="dq_finding_rule"),
            models.Index(fields=["authority", "child_team"], name="dq_finding_child_team"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.table} {self.record_ref}"


class Grain(models.TextChoices):
    WORKER = "worker", "By team and worker"
    MONTH = "month", "By team and month"


class CompletenessCount(models.Model):
    """How many records of an item's population there were, and how many were complete.

    Counts are aggregates, grouped by the record's team: team roles see the
    counts of their teams. Two grains (see completeness.completeness_counts).
    """

    run = models.ForeignKey(ValidationRun, on_delete=models.CASCADE, related_name="+")
    authority = models.ForeignKey("core.Authority", on_delete=models.CASCADE, related_name="+")
    item = models.CharField(max_length=40)
    grain = models.CharField(max_length=10, choices=Grain.choices)
    team = models.ForeignKey(
        "casework.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    worker = models.ForeignKey(
        "casework.Professional", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    month = models.DateField(null=True, blank=True, help_text="First day of the event's month.")
    total = models.PositiveIntegerField()
    complete = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["authority", "grain", "item"], name="dq_count_item")]

    def __str__(self) -> str:
        return f"{self.item} {self.month}: {self.complete}/{self.total}"


class CompletenessGap(models.Model):
    """A record that lacks an item the framework depends on."""

    run = models.ForeignKey(ValidationRun, on_delete=models.CASCADE, related_name="+")
    authority = models.ForeignKey("core.Authority", on_delete=models.CASCADE, related_name="+")
    item = models.CharField(max_length=40)
    child_ref = models.CharField(max_length=100, blank=True)
    table = models.CharField(max_length=40)
    record_ref = models.CharField(max_length=100)
    field = models.CharField(max_length=60)
    event_date = models.DateField(null=True, blank=True)
    team = models.ForeignKey(
        "casework.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    worker = models.ForeignKey(
        "casework.Professional", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    child_team = models.ForeignKey(
        "casework.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["item", "event_date", "child_ref", "record_ref", "pk"]
        indexes = [models.Index(fields=["authority", "item"], name="dq_gap_item")]

    def __str__(self) -> str:
        return f"{self.item} {self.table} {self.record_ref}"
