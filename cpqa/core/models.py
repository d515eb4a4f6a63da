from django.db import models


class Nation(models.TextChoices):
    ENGLAND = "england", "England"
    WALES = "wales", "Wales"


class Authority(models.Model):
    """A local authority. One per instance for now; every fact belongs to one."""

    code = models.CharField(
        max_length=20, unique=True, help_text="DfE local authority code, e.g. 202"
    )
    name = models.CharField(max_length=200)
    nation = models.CharField(max_length=10, choices=Nation.choices, default=Nation.ENGLAND)
    child_population = models.PositiveIntegerField(
        null=True, blank=True, help_text="Children aged 0 to 17, for rates per 10,000"
    )

    class Meta:
        verbose_name_plural = "authorities"

    def __str__(self) -> str:
        return self.name


class DataVersion(models.Model):
    """A counter per authority, raised by every write to the casework facts.

    Cached results (indicators, pages) are keyed by it, so a new import makes
    them stale without any other bookkeeping.
    """

    authority = models.OneToOneField(Authority, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.authority} data version {self.version}"
