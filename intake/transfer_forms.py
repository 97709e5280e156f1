"""The transfer-in form: a victim sent to the hub by another area."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size, Submit
from django import forms
from django.utils import timezone

from cases.choices import LANGUAGES, CrimeType, Ethnicity, Gender, Marker
from core.choices import LOCAL_DISTRICTS
from core.fields import DateField
from intake.models import Organisation, PriorityCategory
from intake.services import VictimDetails
from intake.transfers import SENDERS, InboundTransfer

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes(value: str) -> bool:
    return value == "yes"


class TransferInForm(forms.Form):
    """A victim transferred to the hub by another force, Action Fraud or BTP, as a hub
    manager records it from what the sender passed on."""

    organisation = forms.ChoiceField(
        label="Who sent the transfer?",
        choices=[(o, Organisation(o).label) for o in SENDERS],
        widget=forms.RadioSelect,
        error_messages={"required": "Select who sent the transfer"},
    )
    organisation_name = forms.CharField(
        label="Name of the force (if another police force)", max_length=200, required=False,
        help_text="For example, Metropolitan Police Service",
    )
    their_reference = forms.CharField(
        label="Their reference",
        max_length=50,
        error_messages={"required": "Enter the sender's reference"},
    )
    contact_name = forms.CharField(label="Contact at the sender", max_length=200, required=False)
    contact_email = forms.EmailField(
        label="Contact email",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.org"},
    )
    contact_phone = forms.CharField(label="Contact phone", max_length=30, required=False)
    # The crime
    crime_type = forms.ChoiceField(
        label="Crime or incident type",
        choices=[("", "Choose a type")] + CrimeType.choices,
        error_messages={"required": "Choose the crime or incident type"},
    )
    offence_date = DateField(
        label="Date of the offence",
        help_text="For example, 27 3 2025",
        required_message="Enter the date of the offence",
    )
    markers = forms.MultipleChoiceField(
        label="Markers on the crime",
        choices=Marker.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    priority_categories = forms.MultipleChoiceField(
        label="Priority categories the sender recorded",
        choices=PriorityCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Any of these gives the victim enhanced entitlement: contact within one "
        "working day.",
    )
    # The victim
    first_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter the last name"}
    )
    date_of_birth = DateField(
        label="Date of birth", required=False, help_text="Leave blank if not known"
    )
    gender = forms.ChoiceField(
        label="Gender", choices=Gender.choices, initial=Gender.UNKNOWN, widget=forms.RadioSelect
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity", choices=Ethnicity.choices, initial=Ethnicity.UNKNOWN
    )
    first_language = forms.ChoiceField(label="First language", choices=LANGUAGES, initial="en")
    interpreter_needed = forms.ChoiceField(
        label="Is an interpreter needed?", choices=YES_NO, initial="no", widget=forms.RadioSelect
    )
    phone = forms.CharField(label="Phone number", max_length=30, required=False)
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )
    address_line1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    district = forms.ChoiceField(
        label="District where the victim lives",
        choices=[("", "Choose a district")] + LOCAL_DISTRICTS,
        error_messages={"required": "Choose the district where the victim lives"},
    )
    safe_to_call = forms.ChoiceField(
        label="Is it safe to phone the victim?", choices=YES_NO, initial="yes",
        widget=forms.RadioSelect,
    )
    may_leave_message = forms.ChoiceField(
        label="May the hub leave a message?", choices=YES_NO, initial="no",
        widget=forms.RadioSelect,
    )
    safe_to_write = forms.ChoiceField(
        label="Is it safe to write to the victim?", choices=YES_NO, initial="yes",
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label="Notes from the sender", max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    # Where the service's cross-field errors belong on this form.
    SERVICE_ERROR_FIELDS = {
        "sending_organisation.kind": "organisation",
        "sending_organisation.name": "organisation_name",
        "reference": "their_reference",
        "victim.district": "district",
        "victim.date_of_birth": "date_of_birth",
        "crime.offence_date": "offence_date",
        "crime.reported_at": "offence_date",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                Field.radios("organisation", small=True, legend_size=Size.SMALL),
                Field.text("organisation_name", field_width=30),
                Field.text("their_reference", field_width=20),
                Field.text("contact_name", field_width=30),
                Field.text("contact_email", field_width=30),
                Field.text("contact_phone", field_width=20),
                legend="The sender",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.select("crime_type"),
                Field("offence_date"),
                Field.checkboxes("markers", small=True, legend_size=Size.SMALL),
                Field.checkboxes("priority_categories", small=True, legend_size=Size.SMALL),
                legend="The crime or incident",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("first_name", field_width=20),
                Field.text("last_name", field_width=20),
                Field("date_of_birth"),
                Field.radios("gender", inline=True, small=True, legend_size=Size.SMALL),
                Field.select("ethnicity"),
                Field.select("first_language"),
                Field.radios("interpreter_needed", inline=True, small=True,
                             legend_size=Size.SMALL),
                legend="The victim",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("phone", field_width=20),
                Field.text("email", field_width=30),
                Field.text("address_line1", field_width=30),
                Field.text("town", field_width=20),
                Field.text("postcode", field_width=10),
                Field.select("district"),
                Field.radios("safe_to_call", inline=True, small=True, legend_size=Size.SMALL),
                Field.radios("may_leave_message", inline=True, small=True,
                             legend_size=Size.SMALL),
                Field.radios("safe_to_write", inline=True, small=True, legend_size=Size.SMALL),
                legend="Contact and safety",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("notes", rows=3),
            HTML(
                '<p class="govuk-body">Recording the transfer opens a case for hub contact and '
                "sends the introductory letter.</p>"
            ),
            Submit("record", "Record the transfer"),
        )

    def to_details(self) -> InboundTransfer:
        d = self.cleaned_data
        return InboundTransfer(
            organisation=d["organisation"],
            organisation_name=d["organisation_name"].strip(),
            their_reference=d["their_reference"],
            crime_type=d["crime_type"],
            offence_date=d["offence_date"],
            reported_at=timezone.now(),
            markers=list(d["markers"]),
            priority_categories=list(d["priority_categories"]),
            safe_to_write=_yes(d["safe_to_write"]),
            contact_name=d["contact_name"],
            contact_email=d["contact_email"],
            contact_phone=d["contact_phone"],
            notes=d["notes"],
            victim=VictimDetails(
                first_name=d["first_name"].strip(),
                last_name=d["last_name"].strip(),
                date_of_birth=d.get("date_of_birth"),
                gender=d["gender"],
                ethnicity=d["ethnicity"],
                phone=d["phone"],
                email=d["email"],
                address_line1=d["address_line1"],
                town=d["town"],
                postcode=d["postcode"],
                district=d["district"],
                first_language=d["first_language"],
                interpreter_needed=_yes(d["interpreter_needed"]),
                safe_to_call=_yes(d["safe_to_call"]),
                may_leave_message=_yes(d["may_leave_message"]),
            ),
        )
