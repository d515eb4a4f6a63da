from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "cpqa.operations"
    label = "operations"
    verbose_name = "Backups and retention"
