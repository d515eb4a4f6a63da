from django import forms

from .completeness import ITEMS
from .models import Severity
from .rules.base import dfe_rules


class FindingFilterForm(forms.Form):
    team = forms.ModelChoiceField(queryset=None, required=False, empty_label="All teams")
    worker = forms.ModelChoiceField(queryset=None, required=False, empty_label="All workers")
    rule = forms.ChoiceField(required=False)
    severity = forms.ChoiceField(
        required=False, choices=[("", "Errors and queries"), *Severity.choices]
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, teams, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["worker"].queryset = workers
        self.fields["rule"].choices = [
            ("", "All rules"),
            *((code, f"{code}: {rule.message}") for code, rule in dfe_rules().items()),
        ]


class CompletenessFilterForm(forms.Form):
    team = forms.ModelChoiceField(queryset=None, required=False, empty_label="All teams")

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class GapFilterForm(forms.Form):
    item = forms.ChoiceField(
        required=False, choices=[("", "All items"), *((item.code, item.label) for item in ITEMS)]
    )
    team = forms.ModelChoiceField(queryset=None, required=False, empty_label="All teams")
    worker = forms.ModelChoiceField(queryset=None, required=False, empty_label="All workers")
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, teams, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["worker"].queryset = workers
