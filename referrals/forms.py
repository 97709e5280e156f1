from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms

from directory.models import SupportService
from intake.models import SharedItem

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes(value: str) -> bool:
    return value == "yes"


class ReferralForm(forms.Form):
    """Confirm a referral; the service is chosen only if the plan action names none."""

    service = forms.ModelChoiceField(
        label="Service to refer to",
        queryset=SupportService.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label="Choose a service",
    )

    def __init__(self, *args, choose_service: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not choose_service:
            del self.fields["service"]
        else:
            self.fields["service"].required = True
            self.fields["service"].error_messages["required"] = "Choose the service"


class DeclinedForm(forms.Form):
    reason = forms.CharField(
        label="Why did the service decline the referral?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason the service declined the referral"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.textarea("reason", rows=3), Submit("record_declined", "Record as declined")
        )


class TransferOutForm(forms.Form):
    area = forms.CharField(
        label="Police area the victim lives in",
        max_length=100,
        help_text="For example, Norfolk",
        error_messages={"required": "Enter the police area the victim lives in"},
    )
    organisation_name = forms.CharField(
        label="Victim service in that area",
        max_length=200,
        error_messages={"required": "Enter the victim service the case was passed to"},
    )
    contact_name = forms.CharField(label="Contact name", max_length=200, required=False)
    contact_email = forms.EmailField(
        label="Contact email",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.org"},
    )
    contact_phone = forms.CharField(label="Contact phone", max_length=30, required=False)
    their_reference = forms.CharField(
        label="Their reference (if they gave one)", max_length=50, required=False
    )
    shared = forms.MultipleChoiceField(
        label="What was sent?",
        choices=SharedItem.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select everything you sent to the other area.",
        error_messages={"required": "Select what was sent to the other area"},
    )
    notes = forms.CharField(
        label="Notes", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                Field.text("area", field_width=20),
                Field.text("organisation_name"),
                Field.text("contact_name", field_width=30),
                Field.text("contact_email", field_width=30),
                Field.text("contact_phone", field_width=20),
                Field.text("their_reference", field_width=20),
                legend="Who received the case",
                legend_size=Size.MEDIUM,
            ),
            Field.checkboxes("shared", small=True, legend_size=Size.MEDIUM),
            Field.textarea("notes", rows=2),
            Submit("transfer", "Record the transfer"),
        )

    def clean(self):
        data = super().clean()
        if not (data.get("contact_email") or data.get("contact_phone")) and not self.has_error(
            "contact_email"
        ):
            self.add_error("contact_email", "Give an email address or a phone number for the "
                                            "receiving service")
        return data
