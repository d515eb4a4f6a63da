from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    name = "cpqa.synthetic"
    label = "synthetic"
    verbose_name = "Synthetic authority"
