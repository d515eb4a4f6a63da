"""The standards catalogue: what good practice is, and since when.

A standard (e.g. "initial conference within 15 working days of the strategy
discussion") is data that an administrator edits in the Django admin. Its
threshold, target and red/amber/green bands live on versions with effective
dates, so that a past period is measured against the version in force then.
Which indicator reads which standard is fixed in the indicator's code (its
`standards`); `Standard.indicators` records it for people reading the catalogue.
"""

from django.db import models


class StandardSource(models.TextChoices):
    WORKING_TOGETHER = "working_together", "Working Together to Safeguard Children"
    DFE_KEY_INDICATOR = "dfe_key_indicator", "DfE key indicator"
    LOCAL_PROCEDURE = "local_procedure", "Local procedure"


class ThresholdUnit(models.TextChoices):
    WORKING_DAYS = "working_days", "working days"
    MONTHS = "months", "months"
    WEEKS = "weeks", "weeks"
    AGENCIES = "agencies", "other agencies"


class Standard(models.Model):
    slug = models.SlugField(max_length=80, unique=True, help_text="The standard's id.")
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=30, choices=StandardSource.choices)
    measure = models.TextField(help_text="What is measured.")
    unit = models.CharField(
        max_length=20,
        choices=ThresholdUnit.choices,
        help_text="The unit of the threshold. The indicators that read it expect this unit.",
    )
    indicators = models.CharField(
        max_length=300, help_text="The ids of the indicators it applies to, separated by commas."
    )

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title

    @property
    def indicator_ids(self) -> list[str]:
        return [part.strip() for part in self.indicators.split(",") if part.strip()]


class StandardVersion(models.Model):
    """The terms of a standard from one date (to another, inclusive, or for now)."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="versions")
    effective_from = models.DateField()
    effective_to = models.DateField(
        null=True, blank=True, help_text="The last day it is in force; empty for still in force."
    )
    threshold = models.PositiveIntegerField(help_text="e.g. 15 (working days)")
    target = models.DecimalField(max_digits=4, decimal_places=1, help_text="Percentage, e.g. 85")
    green_from = models.DecimalField(
        max_digits=4, decimal_places=1, help_text="Green at or above this percentage."
    )
    amber_from = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        help_text="Amber at or above this percentage (and below green); red below it.",
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["standard", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "effective_from"], name="indicators_version_once_per_date"
            ),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="indicators_version_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(amber_from__lte=models.F("green_from")),
                name="indicators_version_amber_below_green",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard} from {self.effective_from:%d %b %Y}"
