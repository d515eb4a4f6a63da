"""The dashboards' filters: plain GET forms, so every page can be linked to as it is shown."""

import re
from datetime import date

from django import forms

from cpqa.core.periods import add_months
from cpqa.indicators.forms import RecordsQueryForm

from .filters import AGE_BANDS, CATEGORY_LABELS
from .homes import DashboardQuery
from .indicator_pages import IndicatorPageQuery
from .selectors import WarningFilter

FROM_AFTER_TO = "The first month must be on or before the last month."
TOO_MANY_MONTHS = "Show at most {months} months at a time."
MAX_MONTHS = 60
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

CATEGORY_CHOICES = [("", "All categories"), *CATEGORY_LABELS.items()]
AGE_CHOICES = [("", "All ages"), *((value, label) for value, label, _, _ in AGE_BANDS)]


def month_of(value: str) -> date:
    """The first day of a month given as YYYY-MM."""
    year, month = value.split("-")
    return date(int(year), int(month), 1)


def _month_or(value: str, default: date) -> date:
    """The month given as YYYY-MM, or the default if it is not a month."""
    if not re.match(r"^\d{4}-\d{2}$", value):
        return default
    try:
        return month_of(value)
    except ValueError:  # month 13, year 0
        return default


class MonthField(forms.ChoiceField):
    """A month, YYYY-MM, from a list; a date (YYYY-MM-DD) is taken as its month."""

    def to_python(self, value):
        value = super().to_python(value)
        if ISO_DAY.match(value):
            return value[:7]
        return value


def _team_choices(teams, everyone: str | None) -> list[tuple[str, str]]:
    """The teams to choose from, after "every team" (everyone) unless that is None."""
    first = [("", everyone)] if everyone is not None else []
    return [*first, *((team.ref, team.name) for team in teams)]


def _with_defaults(data, defaults: dict) -> dict:
    """The query string with defaults for what it leaves out, so that the form is always
    bound and shows the values the page is for."""
    bound = data.copy() if data is not None else {}
    for name, value in defaults.items():
        if not bound.get(name):
            bound[name] = value
    return bound


class DashboardFilterForm(forms.Form):
    """The filters of a home page: which of them a page offers is its own choice."""

    period = MonthField(required=False, label="Month")
    team = forms.ChoiceField(required=False, label="Team")
    category = forms.ChoiceField(required=False, choices=CATEGORY_CHOICES, label="Category")
    age = forms.ChoiceField(required=False, choices=AGE_CHOICES, label="Age")

    def __init__(
        self,
        data=None,
        *,
        months,
        default_month: date,
        teams=(),
        offer=("period",),
        everyone: str | None = "All teams",
        **kwargs,
    ):
        self.default_month = default_month
        defaults = {"period": default_month.strftime("%Y-%m")}
        if everyone is None and teams:
            defaults["team"] = teams[0].ref  # no "every team": the first is the default
        data = _with_defaults(data, defaults)
        super().__init__(data, **kwargs)
        self.fields["period"].choices = months
        self.fields["team"].choices = _team_choices(teams, everyone)
        self.offered = tuple(offer)
        for name in list(self.fields):
            if name not in self.offered:
                del self.fields[name]

    def query(self) -> DashboardQuery:
        data = self.cleaned_data if self.is_valid() else {}
        period = data.get("period")
        return DashboardQuery(
            month=month_of(period) if period else self.default_month,
            team=data.get("team") or "",
            category=data.get("category") or "",
            age_band=data.get("age") or "",
        )


class IndicatorFilterForm(forms.Form):
    """The filters of an indicator's page: the months of the trend, team, category, age."""

    start_name = "from"
    end_name = "to"

    team = forms.ChoiceField(required=False, label="Team")
    category = forms.ChoiceField(required=False, choices=CATEGORY_CHOICES, label="Category")
    age = forms.ChoiceField(required=False, choices=AGE_CHOICES, label="Age")
    breakdown = forms.ChoiceField(required=False, label="Breakdown")

    def __init__(
        self,
        data=None,
        *,
        months,
        default_month: date,
        length: int,
        teams=(),
        breakdowns=(),
        child_filters=True,
        **kwargs,
    ):
        self.default_month = default_month
        self.length = length
        data = _with_defaults(data, {"to": default_month.strftime("%Y-%m")})
        if not data.get("from"):
            to = data["to"][:7]
            last = _month_or(to, default_month)
            oldest = month_of(months[-1][0]) if months else last
            try:
                first = max(add_months(last, -(length - 1)), oldest)
            except ValueError:  # before year 1
                first = oldest
            data["from"] = first.strftime("%Y-%m")
        super().__init__(data, **kwargs)
        self.fields["from"] = MonthField(required=False, label="From", choices=months)
        self.fields["to"] = MonthField(required=False, label="To", choices=months)
        self.order_fields(["from", "to", "team", "category", "age", "breakdown"])
        self.fields["team"].choices = _team_choices(teams, "Whole authority")
        if breakdowns:
            self.fields["breakdown"].choices = list(breakdowns)
        else:
            del self.fields["breakdown"]
        if not child_filters:
            del self.fields["category"]
            del self.fields["age"]

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end:
            first, last = month_of(start), month_of(end)
            if last < first:
                self.add_error("to", FROM_AFTER_TO)
            elif add_months(first, MAX_MONTHS) <= last:
                self.add_error("to", TOO_MANY_MONTHS.format(months=MAX_MONTHS))
        return cleaned

    def query(self, *, indicator_id: str) -> IndicatorPageQuery:
        data = self.cleaned_data if self.is_valid() else {}
        end = month_of(data["to"]) if data.get("to") else self.default_month
        start = month_of(data["from"]) if data.get("from") else None
        if start is None or start > end or add_months(start, MAX_MONTHS) <= end:
            start = add_months(end, -(self.length - 1))
        return IndicatorPageQuery(
            indicator_id=indicator_id,
            start=start,
            end=end,
            team=data.get("team") or "",
            category=data.get("category") or "",
            age_band=data.get("age") or "",
            breakdown=data.get("breakdown") or "",
        )


class WarningFilterForm(forms.Form):
    team = forms.ChoiceField(required=False, label="Team")
    category = forms.ChoiceField(required=False, choices=CATEGORY_CHOICES, label="Category")
    age = forms.ChoiceField(required=False, choices=AGE_CHOICES, label="Age")
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = _team_choices(teams, "All teams")

    def wanted(self) -> WarningFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return WarningFilter(
            team=data.get("team") or "",
            category=data.get("category") or "",
            age_band=data.get("age") or "",
        )

    @property
    def page_number(self) -> int:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("page") or 1


class FilteredRecordsForm(RecordsQueryForm):
    """The drill-down of a figure for children of a category or an age band."""

    category = forms.ChoiceField(required=False, choices=CATEGORY_CHOICES)
    age = forms.ChoiceField(required=False, choices=AGE_CHOICES)


class PageForm(forms.Form):
    page = forms.IntegerField(required=False, min_value=1)
