from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "cpqa.indicators"
    label = "indicators"
    verbose_name = "Standards and indicators"
