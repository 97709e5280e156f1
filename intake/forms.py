from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size, Submit
from django import forms
from django.utils import timezone

from intake.matching import CrimeDetails
from intake.models import DashRisk, PriorityCategory
from intake.services import AssessmentAnswers, IvnaSubmission
from intake.victim_fields import VictimFieldsForm, yes, yes_no


class IvnaForm(VictimFieldsForm):
    """The Initial Victim Needs Assessment as police staff record it at the point of report."""

    reference = forms.CharField(
        label="Crime reference",
        max_length=50,
        help_text="For example, CF/12345/25",
        error_messages={"required": "Enter the crime reference"},
    )
    police_person_id = forms.CharField(
        label="Police person ID (if known)", max_length=50, required=False
    )
    nationality = forms.CharField(label="Nationality", max_length=60, required=False)
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
    # Every answer below is the officer's to give: none is pre-selected (issue 11).
    mash_referral = yes_no(
        "Have you referred the victim to the MASH or Public Protection?",
        required_message="Select whether you have referred the victim to the MASH or "
        "Public Protection",
    )
    needs_support = yes_no(
        "In your professional judgement, does the victim need support?",
        required_message="Select whether the victim needs support",
    )
    supported_elsewhere = yes_no(
        "Is the victim already supported by another service?",
        required_message="Select whether the victim is already supported by another service",
    )
    consent_to_contact = yes_no(
        "Does the victim agree to be contacted by the hub?",
        help_text="Answer no if the victim does not want the hub to contact them: the hub "
        "will then not phone or write to them, and the case is recorded and closed.",
        required_message="Select whether the victim agrees to be contacted by the hub",
    )
    notes = forms.CharField(
        label="Notes for the hub", max_length=4000, required=False, widget=forms.Textarea
    )

    field_order = [
        "reference", "crime_type", "offence_date", "markers", "police_person_id",
        "first_name", "last_name", "date_of_birth", "gender", "ethnicity", "nationality",
        "first_language", "interpreter_needed", "phone", "email", "address_line1", "town",
        "postcode", "district", "safe_to_call", "may_leave_message", "priority_categories",
        "dash_risk", "dash_yes_count", "mash_referral", "needs_support",
        "supported_elsewhere", "safe_to_write", "consent_to_contact", "notes",
    ]  # fmt: skip

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
            *self.victim_fieldsets(),
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
            victim=self.victim_details(),
            assessment=AssessmentAnswers(
                needs_support=yes(d["needs_support"]),
                priority_categories=list(d["priority_categories"]),
                dash_risk=d["dash_risk"],
                dash_yes_count=d.get("dash_yes_count"),
                supported_elsewhere=yes(d["supported_elsewhere"]),
                mash_referral=yes(d["mash_referral"]),
                safe_to_write=yes(d["safe_to_write"]),
                consent_to_contact=yes(d["consent_to_contact"]),
                notes=d["notes"],
            ),
        )
