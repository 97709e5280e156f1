"""The Team members forms: a staff member's details, role and areas of work."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms

from accounts.models import Specialism
from accounts.staff import STAFF_ROLES
from core.choices import LOCAL_DISTRICTS


class StaffForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150,
                                 error_messages={"required": "Enter their first name"})
    last_name = forms.CharField(label="Last name", max_length=150,
                                error_messages={"required": "Enter their last name"})
    email = forms.EmailField(label="Email address", required=False,
                             help_text="Enrolment links are emailed here.")
    role = forms.ChoiceField(label="Role", choices=STAFF_ROLES,
                             error_messages={"required": "Choose their role"})
    districts = forms.MultipleChoiceField(label="Districts they cover", required=False,
                                          choices=LOCAL_DISTRICTS,
                                          widget=forms.CheckboxSelectMultiple)
    languages = forms.CharField(
        label="Languages they work in besides English", required=False, max_length=300,
        help_text="Separate them with commas, for example: Polish, Lithuanian",
    )
    specialisms = forms.MultipleChoiceField(label="Specialisms", required=False,
                                            choices=Specialism.choices,
                                            widget=forms.CheckboxSelectMultiple)

    submit_label = "Save changes"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*self.layout_fields(), Submit("save", self.submit_label))

    def layout_fields(self) -> list:
        return [
            Field.text("first_name"), Field.text("last_name"), Field.text("email"),
            Field.select("role"), Field.checkboxes("districts"), Field.text("languages"),
            Field.checkboxes("specialisms"),
        ]

    def clean_languages(self) -> list[str]:
        raw = self.cleaned_data["languages"]
        return [part.strip()[:40] for part in raw.split(",") if part.strip()]


class NewStaffForm(StaffForm):
    username = forms.RegexField(
        label="Username", max_length=150, regex=r"^[\w.@+-]+$",
        help_text="Letters, digits and . @ + - _ only",
        error_messages={"required": "Enter a username",
                        "invalid": "Use only letters, digits and . @ + - _ in the username"},
    )
    submit_label = "Create the account"

    def layout_fields(self) -> list:
        return [Field.text("username"), *super().layout_fields()]
