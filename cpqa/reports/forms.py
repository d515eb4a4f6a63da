from django import forms

PERIOD_HINT = "For example 2026-10 (a month), 2026-27Q2 (a quarter), 2025-26 (a year)."


class ReportPeriodForm(forms.Form):
    """The period of a report, as written. It is read (and checked) by the builders."""

    period = forms.CharField(label="Period", required=False, max_length=40, help_text=PERIOD_HINT)

    def period_error(self, message: str) -> None:
        self.add_error("period", message)
