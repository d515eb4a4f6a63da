import logging

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "cpqa.reports"
    label = "reports"
    verbose_name = "Reports: statistical process control, charts and the reports"

    def ready(self) -> None:
        # WeasyPrint logs each step of every PDF (and of its own start) at INFO: not worth
        # a line of the service's log. Set before weasyprint is first imported.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
