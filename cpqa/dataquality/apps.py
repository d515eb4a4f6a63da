from django.apps import AppConfig


class DataQualityConfig(AppConfig):
    name = "cpqa.dataquality"
    label = "dataquality"
    verbose_name = "Data quality: validation and completeness"
