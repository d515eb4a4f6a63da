from django.apps import AppConfig


class NationalStatsConfig(AppConfig):
    name = "cpqa.nationalstats"
    label = "nationalstats"
    verbose_name = "Published statistics (DfE and ONS)"
