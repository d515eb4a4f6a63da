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


CODE_REQUIRED = "Enter the code from your authenticator app, or a recovery code."
CODE_WRONG = "The code is not right, or it has been used already. Check it and try again."
SET_UP_CODE_REQUIRED = "Enter the 6-digit code your authenticator app shows for cpqa."
SET_UP_CODE_WRONG = "The code is not right. Check the time on your phone and try again."
CHILD_REF_REQUIRED = "Enter the child's identifier."


class TwoFactorForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        strip=True,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        error_messages={"required": CODE_REQUIRED},
    )


class TwoFactorSetUpForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=40,
        strip=True,
        error_messages={"required": SET_UP_CODE_REQUIRED},
    )


class SubjectAccessForm(forms.Form):
    child_ref = forms.CharField(
        label="Child identifier",
        max_length=100,
        strip=True,
        help_text="The child's identifier in the case management system.",
        error_messages={"required": CHILD_REF_REQUIRED},
    )
