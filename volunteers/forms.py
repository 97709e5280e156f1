from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone

from cases.choices import LANGUAGES
from volunteers.models import Volunteer
from volunteers.selectors import volunteer_users_without_profile
from volunteers.services import COUNTY_DISTRICTS, VolunteerDetails

YES_NO = [("yes", "Yes"), ("no", "No")]


def _date_field(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    # A TextInput so the GOV.UK layout styles it; the browser shows a date picker.
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs={"type": "date"}),
        error_messages={"required": f"Enter the {label.lower()}", "invalid": "Enter a real date"},
    )


class VolunteerProfileForm(forms.Form):
    """What the hub records about a volunteer: what they offer, training and accreditation."""

    languages = forms.MultipleChoiceField(
        label="Languages they can support a victim in",
        choices=[(code, label) for code, label in LANGUAGES if code != "other"],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one language"},
    )
    districts = forms.MultipleChoiceField(
        label="Districts they can visit",
        choices=[(d.value, d.label) for d in COUNTY_DISTRICTS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one district"},
    )
    hours_per_week = forms.DecimalField(
        label="Hours offered a week",
        help_text="The service asks each volunteer for a minimum of 4 hours a week.",
        min_value=0,
        max_value=40,
        max_digits=4,
        decimal_places=1,
        # GOV.UK asks for a text input for numbers; the keyboard still shows digits.
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the hours offered a week",
            "invalid": "Enter the hours as a number, for example 4 or 5.5",
            "min_value": "Enter the hours as a number from 0 to 40",
            "max_value": "Enter the hours as a number from 0 to 40",
        },
    )
    available = forms.ChoiceField(
        label="Can they take a new victim now?", choices=YES_NO, initial="yes",
        widget=forms.RadioSelect,
    )
    availability_notes = forms.CharField(
        label="Availability",
        help_text="For example: weekday evenings only; away until 3 March.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    trained_on = _date_field("Date training completed")
    accredited_on = _date_field("Date accredited")
    accreditation_expires_on = _date_field(
        "Date the accreditation expires", help_text="Leave empty until they are accredited."
    )
    active = forms.ChoiceField(
        label="Still volunteering with the hub?", choices=YES_NO, initial="yes",
        widget=forms.RadioSelect,
    )

    submit_label = "Save the profile"
    asks_active = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*self.layout_fields(), Submit("save", self.submit_label))

    def layout_fields(self) -> list:
        return [
            Fieldset(
                Field.checkboxes("languages", small=True),
                Field.checkboxes("districts", small=True),
                Field.text("hours_per_week", field_width=4),
                Field.radios("available", inline=True, small=True),
                Field.textarea("availability_notes", rows=2),
                legend="What they offer",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("trained_on", field_width=10),
                Field.text("accredited_on", field_width=10),
                Field.text("accreditation_expires_on", field_width=10),
                *([Field.radios("active", inline=True, small=True)] if self.asks_active else []),
                legend="Training and accreditation",
                legend_size=Size.MEDIUM,
            ),
        ]

    @staticmethod
    def initial_from(volunteer: Volunteer) -> dict:
        return {
            "languages": volunteer.languages,
            "districts": volunteer.districts,
            "hours_per_week": volunteer.hours_per_week,
            "available": "yes" if volunteer.available else "no",
            "availability_notes": volunteer.availability_notes,
            "trained_on": volunteer.trained_on and volunteer.trained_on.isoformat(),
            "accredited_on": volunteer.accredited_on and volunteer.accredited_on.isoformat(),
            "accreditation_expires_on": volunteer.accreditation_expires_on
            and volunteer.accreditation_expires_on.isoformat(),
            "active": "yes" if volunteer.active else "no",
        }

    def to_details(self) -> VolunteerDetails:
        d = self.cleaned_data
        return VolunteerDetails(
            languages=list(d["languages"]),
            districts=list(d["districts"]),
            hours_per_week=d["hours_per_week"],
            trained_on=d["trained_on"],
            accredited_on=d["accredited_on"],
            accreditation_expires_on=d["accreditation_expires_on"],
            available=d["available"] == "yes",
            availability_notes=d["availability_notes"].strip(),
            active=d["active"] == "yes",
        )


class NewVolunteerForm(VolunteerProfileForm):
    """A new volunteer: an existing volunteer login, or a new login made here."""

    existing_user = forms.ModelChoiceField(
        label="An existing volunteer login",
        queryset=None,
        required=False,
        empty_label="None: create a new login below",
        help_text="Logins with the volunteer role that have no profile yet.",
    )
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    username = forms.CharField(label="Username", max_length=150, required=False)
    password = forms.CharField(
        label="First password",
        required=False,
        max_length=128,
        widget=forms.PasswordInput(render_value=False),
        help_text="Give it to the volunteer in person; at least 12 characters.",
        error_messages={"max_length": "The password must be 128 characters or fewer"},
    )

    submit_label = "Add the volunteer"
    asks_active = False
    # The login comes first on the page, so its errors come first in the summary.
    field_order = ["existing_user", "first_name", "last_name", "username", "password"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["existing_user"].queryset = volunteer_users_without_profile()
        # A new volunteer is active: the question only matters later.
        del self.fields["active"]

    def layout_fields(self) -> list:
        who = Fieldset(
            Field.select("existing_user"),
            Field.text("first_name", field_width=20),
            Field.text("last_name", field_width=20),
            Field.text("username", field_width=20),
            Field.text("password", field_width=20),
            legend="The volunteer's login",
            legend_size=Size.MEDIUM,
        )
        return [who, *super().layout_fields()]

    def clean(self):
        data = super().clean()
        if data.get("existing_user") is None:
            for name, message in (
                ("first_name", "Enter the volunteer's first name"),
                ("last_name", "Enter the volunteer's last name"),
                ("username", "Enter a username for the volunteer's login"),
                ("password", "Enter a first password for the volunteer"),
            ):
                if not (data.get(name) or "").strip():
                    self.add_error(name, message)
            password = data.get("password")
            if password:
                try:
                    validate_password(password)
                except forms.ValidationError as error:
                    self.add_error("password", error)
        return data

    def to_details(self) -> VolunteerDetails:
        self.cleaned_data["active"] = "yes"
        return super().to_details()


class LogHoursForm(forms.Form):
    """Hours given on one day. The rules (more than 0, at most 12) are the service's, so its
    messages are the ones shown."""

    date = _date_field("Date of the visit", required=True)
    hours = forms.DecimalField(
        label="Hours",
        help_text="Visits, travel and calls for this victim, for example 1.5.",
        max_digits=5,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the hours you gave, for example 1.5",
            "invalid": "Enter the hours as a number, for example 1.5",
            "max_digits": "Enter no more than 12 hours for one day",
            "max_decimal_places": "Enter the hours to no more than 2 decimal places",
            "max_whole_digits": "Enter no more than 12 hours for one day",
        },
    )
    notes = forms.CharField(
        label="Notes (optional)",
        help_text="Only what the hub needs: do not write down the victim's story.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, submit_label: str = "Log the hours", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate().isoformat()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("date", field_width=10),
            Field.text("hours", field_width=4),
            Field.textarea("notes", rows=2),
            Submit("log_hours", submit_label),
        )


class EndAllocationForm(forms.Form):
    reason = forms.CharField(
        label="Why is the support ending? (optional)",
        help_text="For example: the victim has recovered; moved out of the area.",
        required=False,
        max_length=200,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("reason"),
            Submit("end", "End the allocation", css_class="govuk-button--warning"),
        )


REASON_LABELS = {
    True: ("Why are you changing these hours?", "A hub manager gives the reason for every "
           "correction or removal: it is kept with the change."),
    False: ("Why are you changing them? (optional)", "For example: I put the wrong date."),
}


def _reason_field(manager: bool) -> forms.CharField:
    label, hint = REASON_LABELS[manager]
    return forms.CharField(
        label=label, help_text=hint, required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CorrectHoursForm(LogHoursForm):
    """Logged hours as they should have been, and why (volunteers.hours decides who may,
    and that a hub manager says why)."""

    def __init__(self, *args, manager: bool = False, **kwargs):
        super().__init__(*args, submit_label="Save the correction", **kwargs)
        self.fields["reason"] = _reason_field(manager)
        self.helper.layout = Layout(
            Field.text("date", field_width=10),
            Field.text("hours", field_width=4),
            Field.textarea("notes", rows=2),
            Field.textarea("reason", rows=2),
            Submit("correct", "Save the correction"),
        )


class RemoveHoursForm(forms.Form):
    def __init__(self, *args, manager: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"] = _reason_field(manager)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.textarea("reason", rows=2),
            Submit("remove", "Remove these hours", css_class="govuk-button--warning"),
        )
