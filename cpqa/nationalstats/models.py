"""Published statistics: DfE and ONS figures, and the DfE statistical neighbour model.

Each figure keeps the release (the file) it came from: its name, SHA-256, when
and by whom it was imported. A newer release of the same dataset replaces the
older one's figures for the years it covers; see services.py.
"""

from django.conf import settings
from django.db import models


class Dataset(models.TextChoices):
    C4 = "c4_s47_icpc", "DfE CIN table C4: section 47 enquiries and ICPCs"
    D3 = "d3_repeat_plans", "DfE CIN table D3: second or subsequent plans"
    D5 = "d5_plan_duration", "DfE CIN table D5: plans at 31 March by duration"
    B1 = "b1_children_in_need", "DfE CIN table B1: children in need"
    ONS_POPULATION = "ons_child_population", "ONS mid-year estimates: children aged 0 to 17"
    SN_MODEL = "sn_model", "DfE statistical neighbour model"
    LAIT = "lait", "DfE Local Authority Interactive Tool (long extract)"


class Level(models.TextChoices):
    NATIONAL = "national", "National"
    REGIONAL = "regional", "Regional"
    LA = "la", "Local authority"


class StatisticsRelease(models.Model):
    """One published file, imported: what it was, who brought it in, and when."""

    dataset = models.CharField(max_length=30, choices=Dataset.choices)
    file_name = models.CharField(max_length=300)
    file_size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, unique=True)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    operator = models.CharField(
        max_length=150,
        blank=True,
        help_text="Who ran it: the user, or the account at the command line",
    )
    first_year = models.PositiveSmallIntegerField(null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(null=True, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    figures = models.PositiveIntegerField(default=0, help_text="Figures it brought in")
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supersedes",
        help_text="The release that replaced the last of its figures",
    )
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_dataset_display()})"


class PublishedFigure(models.Model):
    """One published figure: a measure, for a year and an area, with the release it came from.

    `year` is the year the DfE file gives: for the children in need census the
    year ending 31 March (2025 is 2024-25); for the ONS estimates the mid-year.
    `area_code` is the DfE three-digit LA code for an LA, the ONS code for a
    region (E12..., or E13... for Inner and Outer London) and E92000001 for
    England. A figure that is not given has no value and keeps the DfE symbol
    (see cpqa/nationalstats/data/README.md).
    """

    release = models.ForeignKey(StatisticsRelease, on_delete=models.CASCADE, related_name="+")
    dataset = models.CharField(max_length=30, choices=Dataset.choices)
    measure = models.CharField(max_length=100, help_text="The published column or measure name")
    year = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=10, choices=Level.choices)
    area_code = models.CharField(max_length=12)
    area_name = models.CharField(max_length=200)
    new_code = models.CharField(max_length=12, blank=True, help_text="ONS code of an LA")
    region_code = models.CharField(
        max_length=12, blank=True, help_text="ONS code of an LA's region"
    )
    value = models.FloatField(null=True, blank=True)
    symbol = models.CharField(max_length=8, blank=True, help_text="Why there is no value")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "measure", "year", "level", "area_code"],
                name="nationalstats_one_figure_per_area_year",
            )
        ]
        indexes = [models.Index(fields=["area_code", "dataset", "measure"])]

    def __str__(self) -> str:
        shown = self.symbol if self.value is None else f"{self.value:g}"
        return f"{self.measure} {self.year} {self.area_name}: {shown}"


class ChildPopulationManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(dataset=Dataset.ONS_POPULATION)


class ChildPopulation(PublishedFigure):
    """The ONS mid-year estimate of children aged 0 to 17: published figures of one dataset."""

    objects = ChildPopulationManager()

    class Meta:
        proxy = True
        verbose_name_plural = "child populations"


class StatisticalNeighbour(models.Model):
    """One of an LA's 10 statistical neighbours in the DfE model, in order of closeness."""

    release = models.ForeignKey(StatisticsRelease, on_delete=models.CASCADE, related_name="+")
    la_code = models.CharField(max_length=12)
    la_name = models.CharField(max_length=200)
    region_name = models.CharField(max_length=100, blank=True)
    rank = models.PositiveSmallIntegerField(help_text="1 is the closest")
    neighbour_code = models.CharField(max_length=12)
    neighbour_name = models.CharField(max_length=200, blank=True)
    closeness = models.CharField(max_length=40, blank=True, help_text="As the model puts it")

    class Meta:
        ordering = ["la_code", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["la_code", "rank"], name="nationalstats_one_neighbour_per_rank"
            )
        ]

    def __str__(self) -> str:
        return f"{self.la_name}: {self.rank}. {self.neighbour_name or self.neighbour_code}"
