from django.conf import settings
from django.db import models


class ImportFormat(models.TextChoices):
    CIN_CENSUS = "cin_census", "DfE CIN census XML"
    ANNEX_A = "annex_a", "Ofsted Annex A workbook"
    SSD = "ssd", "Standard Safeguarding Dataset table"
    LOCAL = "local", "cpqa local table"
    SYNTHETIC = "synthetic", "Synthetic authority (generator)"


class ImportOutcome(models.TextChoices):
    RUNNING = "running", "Running"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    UNCHANGED = "unchanged", "Unchanged (same file imported before)"
    DRY_RUN = "dry_run", "Checked only (dry run)"


class ImportRun(models.Model):
    """One file brought into cpqa: what it was, who brought it, what became of it.

    The files of one import share a batch: one transaction, all or nothing.
    """

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    batch = models.UUIDField(db_index=True)
    format = models.CharField(max_length=20, choices=ImportFormat.choices)
    source = models.CharField(
        max_length=60, help_text="What the file is an extract of, e.g. ssd_cp_plans"
    )
    file_name = models.CharField(max_length=300)
    file_size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    operator = models.CharField(
        max_length=150,
        blank=True,
        help_text="Who ran it: the user, or the account at the command line",
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=ImportOutcome.choices)
    rows_read = models.PositiveIntegerField(default=0)
    rows_accepted = models.PositiveIntegerField(default=0)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supersedes"
    )
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_format_display()}, {self.get_outcome_display()})"
