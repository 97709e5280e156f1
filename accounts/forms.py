from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """The sign-in form in the hub's words (issue 16), not Django's "Please enter a correct
    username and password. Note that both fields may be case-sensitive." Lockout after
    repeated failures is django-axes's, on the authentication itself, whatever the form."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "The username or password is not right. Check them and try again: after several "
            "wrong tries the account is locked for a while. If you have forgotten your "
            "password, ask a hub manager to reset it."
        ),
        "inactive": "This account is switched off. Ask a hub manager if you need it back.",
    }


class TokenForm(forms.Form):
    token = forms.RegexField(
        label="Code from your authenticator app",
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app",
            "invalid": "Enter the 6-digit code from your authenticator app",
        },
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input govuk-input--width-5",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()
