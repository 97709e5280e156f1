"""A member of staff changes their own password (issue 13): an account made on Team members
starts with a one-off password the manager saw, so its owner must be able to replace it.
Changing it keeps this session and ends every other one (Django's session hash includes the
password's hash)."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.urls import reverse_lazy


class HubPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Your current password"
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = (
            "At least 12 characters, not a common password, not all numbers and not like "
            "your name or username."
        )
        self.fields["new_password2"].label = "New password again"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.error_messages = {
            **self.error_messages,
            "password_incorrect": "Your current password is not right: enter it again",
            "password_mismatch": "The two new passwords are not the same",
        }
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("old_password"), Field.text("new_password1"), Field.text("new_password2"),
            Submit("submit", "Change your password"),
        )


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = HubPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("password:done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
