from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size, Submit
from django import forms
from django.utils import timezone

from cases.choices import LANGUAGES, CrimeType, Ethnicity, Gender, Marker
from core.choices import District
from core.fields import DateField
from intake.models import DashRisk, PriorityCategory
from intake.services import (
    AssessmentAnswers,
    CrimeDetails,
    IvnaSubmission,
    VictimDetails,
)

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes(value: str) -> bool:
    return value == "yes"


class IvnaForm(forms.Form):
    """The Initial Victim Needs Assessment as police staff record it at the point of report."""

    # The crime
    reference = forms.CharField(
        label="Crime reference",
        max_length=50,
        help_text="For example, CF/12345/25",
        error_messages={"required": "Enter the crime reference"},
    )
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
        help_text="Select all that apply.",
    )
    # The victim
    police_person_id = forms.CharField(
        label="Police person ID (if known)", max_length=50, required=False
    )
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
    nationality = forms.CharField(label="Nationality", max_length=60, required=False)
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
        choices=[("", "Choose a district")] + District.choices,
        error_messages={"required": "Choose the district where the victim lives"},
    )
    safe_to_call = forms.ChoiceField(
        label="Is it safe to phone the victim?",
        choices=YES_NO,
        initial="yes",
        widget=forms.RadioSelect,
    )
    may_leave_message = forms.ChoiceField(
        label="May the hub leave a message?",
        choices=YES_NO,
        initial="no",
        widget=forms.RadioSelect,
    )
    # The assessment
    priority_categories = forms.MultipleChoiceField(
        label="Priority categories (Victims' Code enhanced entitlement)",
        choices=PriorityCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    dash_risk = forms.ChoiceField(
        label="DASH risk (domestic abuse, stalking, harassment)",
        choices=[("", "Not assessed")] + DashRisk.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    dash_yes_count = forms.IntegerField(
        label="Number of 'yes' answers on the DASH checklist",
        min_value=0,
        max_value=27,
        required=False,
        error_messages={
            "invalid": "Enter the number of 'yes' answers as a whole number",
            "min_value": "The number of 'yes' answers cannot be below 0",
            "max_value": "The DASH checklist has 27 questions: enter 27 or fewer",
        },
    )
    mash_referral = forms.ChoiceField(
        label="Have you referred the victim to the MASH or Public Protection?",
        choices=YES_NO,
        initial="no",
        widget=forms.RadioSelect,
    )
    needs_support = forms.ChoiceField(
        label="In your professional judgement, does the victim need support?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the victim needs support"},
    )
    supported_elsewhere = forms.ChoiceField(
        label="Is the victim already supported by another service?",
        choices=YES_NO,
        initial="no",
        widget=forms.RadioSelect,
    )
    safe_to_write = forms.ChoiceField(
        label="Is it safe to write to the victim?",
        choices=YES_NO,
        initial="yes",
        widget=forms.RadioSelect,
        help_text="Answer no if, for example, the suspect lives at the same address.",
    )
    consent_to_contact = forms.ChoiceField(
        label="Does the victim agree to be contacted by the hub?",
        choices=YES_NO,
        initial="yes",
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label="Notes for the hub", max_length=4000, required=False, widget=forms.Textarea
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                Field.text("reference", field_width=10),
                Field.select("crime_type"),
                Field("offence_date"),
                Field.checkboxes("markers", small=True),
                legend="The crime or incident",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("police_person_id", field_width=10),
                Field.text("first_name", field_width=20),
                Field.text("last_name", field_width=20),
                Field("date_of_birth"),
                Field.radios("gender", inline=True, small=True),
                Field.select("ethnicity"),
                Field.text("nationality", field_width=20),
                Field.select("first_language"),
                Field.radios("interpreter_needed", inline=True, small=True),
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
                Field.radios("safe_to_call", inline=True, small=True),
                Field.radios("may_leave_message", inline=True, small=True),
                Field.radios("safe_to_write", inline=True, small=True),
                legend="Contact and safety",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.checkboxes("priority_categories", small=True),
                Field.radios("dash_risk", inline=True, small=True),
                Field.text("dash_yes_count", field_width=2),
                Field.radios("mash_referral", inline=True, small=True),
                Field.radios("needs_support", inline=True, small=True),
                Field.radios("supported_elsewhere", inline=True, small=True),
                Field.radios("consent_to_contact", inline=True, small=True),
                Field.textarea("notes", rows=4),
                legend="Needs assessment",
                legend_size=Size.MEDIUM,
            ),
            HTML(
                '<p class="govuk-body">Submitting sends the IVNA to the Victims\' Hub and '
                "shows the route it takes.</p>"
            ),
            Submit("submit", "Submit IVNA"),
        )

    def to_submission(self) -> IvnaSubmission:
        d = self.cleaned_data
        return IvnaSubmission(
            crime=CrimeDetails(
                reference=d["reference"].strip().upper(),
                crime_type=d["crime_type"],
                offence_date=d["offence_date"],
                # Recorded at the point of report: the report is now.
                reported_at=timezone.now(),
                markers=list(d["markers"]),
            ),
            victim=VictimDetails(
                police_person_id=d["police_person_id"].strip(),
                first_name=d["first_name"].strip(),
                last_name=d["last_name"].strip(),
                date_of_birth=d.get("date_of_birth"),
                gender=d["gender"],
                ethnicity=d["ethnicity"],
                nationality=d["nationality"],
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
            assessment=AssessmentAnswers(
                needs_support=_yes(d["needs_support"]),
                priority_categories=list(d["priority_categories"]),
                dash_risk=d["dash_risk"],
                dash_yes_count=d.get("dash_yes_count"),
                supported_elsewhere=_yes(d["supported_elsewhere"]),
                mash_referral=_yes(d["mash_referral"]),
                safe_to_write=_yes(d["safe_to_write"]),
                consent_to_contact=_yes(d["consent_to_contact"]),
                notes=d["notes"],
            ),
        )

    # Where the intake service's cross-field errors belong on this form.
    SERVICE_ERROR_FIELDS = {
        "crime.offence_date": "offence_date",
        "crime.reported_at": "offence_date",
        "victim.date_of_birth": "date_of_birth",
    }
