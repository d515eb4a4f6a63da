from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "cpqa.casework"
    label = "casework"
    verbose_name = "Casework facts"
