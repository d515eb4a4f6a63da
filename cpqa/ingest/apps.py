from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "cpqa.ingest"
    label = "ingest"
    verbose_name = "Imports and data quality"
