from django import forms


class ChildSearchForm(forms.Form):
    search = forms.CharField(label="Child identifier contains", required=False, max_length=100)
    team = forms.ModelChoiceField(queryset=None, required=False, empty_label="All your teams")
    on_plan_only = forms.BooleanField(label="Only children on a plan now", required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
