from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "cpqa.dashboards"
    label = "dashboards"
    verbose_name = "Dashboards: the pages each role sees"
