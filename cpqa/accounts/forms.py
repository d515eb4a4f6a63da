from django import forms
from django.contrib.auth.forms import AuthenticationForm

SIGN_IN_FAILED = "Enter a correct username and password. Both are case-sensitive."


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": SIGN_IN_FAILED,
        "inactive": "This account has been switched off. Ask your cpqa administrator.",
    }


class AccessLogSearchForm(forms.Form):
    child_ref = forms.CharField(label="Child identifier", required=False, max_length=100)
    username = forms.CharField(label="Username", required=False, max_length=150)
    date_from = forms.DateField(label="From (YYYY-MM-DD)", required=False)
    date_to = forms.DateField(label="To (YYYY-MM-DD)", required=False)
