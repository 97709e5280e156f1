"""The transfer-in form: a victim sent to the hub by another area."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size, Submit
from django import forms
from django.utils import timezone

from core.choices import LOCAL_DISTRICTS
from core.fields import PhoneField
from intake.models import Organisation, PriorityCategory
from intake.transfers import SENDERS, InboundTransfer
from intake.victim_fields import VictimFieldsForm, yes


class TransferInForm(VictimFieldsForm):
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
    contact_phone = PhoneField(label="Contact phone", required=False)
    priority_categories = forms.MultipleChoiceField(
        label="Priority categories the sender recorded",
        choices=PriorityCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Any of these gives the victim enhanced entitlement: contact within one "
        "working day.",
    )
    notes = forms.CharField(
        label="Notes from the sender", max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    # Where the service's cross-field errors belong on this form.
    SERVICE_ERROR_FIELDS = {
        **VictimFieldsForm.SERVICE_ERROR_FIELDS,
        "sending_organisation.kind": "organisation",
        "sending_organisation.name": "organisation_name",
        "reference": "their_reference",
        "victim.district": "district",
    }
    # Only a victim who lives here is transferred to the hub.
    DISTRICTS = LOCAL_DISTRICTS
    field_order = [
        "organisation", "organisation_name", "their_reference", "contact_name",
        "contact_email", "contact_phone", "crime_type", "offence_date", "markers",
        "priority_categories", "first_name", "last_name", "date_of_birth", "gender",
        "ethnicity", "first_language", "interpreter_needed", "phone", "email",
        "address_line1", "town", "postcode", "district", "safe_to_call", "may_leave_message",
        "safe_to_write", "notes",
    ]  # fmt: skip

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
            *self.victim_fieldsets(legend_size=Size.SMALL),
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
            safe_to_write=yes(d["safe_to_write"]),
            contact_name=d["contact_name"],
            contact_email=d["contact_email"],
            contact_phone=d["contact_phone"],
            notes=d["notes"],
            victim=self.victim_details(),
        )
