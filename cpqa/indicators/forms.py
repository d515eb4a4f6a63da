"""The query parameters of the indicators API and the drill-down page."""

from datetime import MAXYEAR, date

from django import forms

from cpqa.core.periods import GROUPINGS, Period, add_years

from .engine import Part
from .registry import indicators
from .selectors import IndicatorQuery, default_range

END_BEFORE_START = "The end date must be on or after the start date."
TOO_LONG = "Ask for at most {years} years at a time."
BOTH_DATES = "Give both dates of the period, or neither for the default."
MAX_YEARS = 25


class _Range(forms.Form):
    """Two dates, named as the caller's parameters are (e.g. "from" and "to").

    With neither, the default range of the form; with only one, an error.
    """

    start_name = "from"
    end_name = "to"
    months = 12  # the default range: this many complete months up to the last one

    def __init__(self, *args, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields[self.start_name] = forms.DateField(input_formats=["%Y-%m-%d"], required=False)
        self.fields[self.end_name] = forms.DateField(input_formats=["%Y-%m-%d"], required=False)

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get(self.start_name), cleaned.get(self.end_name)
        if start is None and end is None and not self.errors:
            start, end = default_range(today=self.today, months=self.months)
            cleaned[self.start_name], cleaned[self.end_name] = start, end
        if start is None and self.start_name not in self.errors:
            self.add_error(self.start_name, BOTH_DATES)
        if end is None and self.end_name not in self.errors:
            self.add_error(self.end_name, BOTH_DATES)
        if start and end:
            if end < start:
                self.add_error(self.end_name, END_BEFORE_START)
            elif start.year + MAX_YEARS <= MAXYEAR and end >= add_years(start, MAX_YEARS):
                self.add_error(self.end_name, TOO_LONG.format(years=MAX_YEARS))
        return cleaned

    @property
    def start(self) -> date:
        return self.cleaned_data[self.start_name]

    @property
    def end(self) -> date:
        return self.cleaned_data[self.end_name]


class IndicatorQueryForm(_Range):
    by = forms.ChoiceField(choices=[(g, g) for g in GROUPINGS], required=False)
    team = forms.CharField(required=False, max_length=200)
    indicator = forms.MultipleChoiceField(required=False, choices=())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [(i.id, i.id) for i in indicators()]

    def query(self) -> IndicatorQuery:
        data = self.cleaned_data
        return IndicatorQuery(
            start=self.start,
            end=self.end,
            by=data["by"] or "none",
            team=data["team"] or None,
            indicators=tuple(data["indicator"]),
        )


class RecordsQueryForm(_Range):
    start_name = "period_start"
    end_name = "period_end"
    months = 1

    team = forms.CharField(required=False, max_length=200)
    part = forms.ChoiceField(
        choices=[("numerator", "numerator"), ("denominator", "denominator")], required=False
    )
    breakdown = forms.CharField(required=False, max_length=100)
    page = forms.IntegerField(required=False, min_value=1)

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)

    @property
    def chosen_part(self) -> Part:
        return self.cleaned_data["part"] or "numerator"
