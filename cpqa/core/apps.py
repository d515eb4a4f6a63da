from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cpqa.core"
    label = "core"
    verbose_name = "Authority and shared services"
