from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from core.choices import LOCAL_DISTRICTS
from directory.models import Specialism, SupportService

TEXT_MAX_CHARACTERS = 2000


class SupportServiceForm(forms.ModelForm):
    """A service in the directory, as a hub manager adds or changes it."""

    commissioned_by_pcc = forms.TypedChoiceField(
        label="Is the service commissioned by the Police and Crime Commissioner?",
        choices=[(True, "Yes, commissioned by the PCC"), (False, "No")],
        coerce=lambda v: v in (True, "True"),
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the PCC commissions the service"},
    )
    national = forms.TypedChoiceField(
        label="Local or national?",
        choices=[(False, "Local"), (True, "National")],
        coerce=lambda v: v in (True, "True"),
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the service is local or national"},
    )
    specialisms = forms.MultipleChoiceField(
        label="Specialisms",
        choices=Specialism.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
    )
    districts = forms.MultipleChoiceField(
        label="Districts covered",
        choices=LOCAL_DISTRICTS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked if the service covers the whole area.",
    )
    # TextFields in the model, so limited here: a paragraph each, not a pasted document.
    description = forms.CharField(
        label="What the service does", required=False, max_length=TEXT_MAX_CHARACTERS,
        widget=forms.Textarea,
    )
    how_to_refer = forms.CharField(
        label="How to refer", required=False, max_length=TEXT_MAX_CHARACTERS,
        widget=forms.Textarea,
    )

    class Meta:
        model = SupportService
        fields = [
            "name",
            "description",
            "commissioned_by_pcc",
            "national",
            "specialisms",
            "districts",
            "how_to_refer",
            "referral_email",
            "phone",
        ]
        labels = {
            "name": "Name of the service",
            "referral_email": "Referral email address",
            "phone": "Phone number",
        }
        help_texts = {
            "referral_email": "Referral documents are emailed here. Use a secure address.",
        }
        error_messages = {
            "name": {
                "required": "Enter the name of the service",
                "unique": "A service with this name is already in the directory",
            },
            "referral_email": {"invalid": "Enter an email address like name@example.org"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("name"),
            Field.textarea("description", rows=3),
            Field.radios("commissioned_by_pcc", small=True, legend_size=Size.SMALL),
            Field.radios("national", inline=True, small=True, legend_size=Size.SMALL),
            Field.checkboxes("specialisms", small=True, legend_size=Size.SMALL),
            Field.checkboxes("districts", small=True, legend_size=Size.SMALL),
            Field.textarea("how_to_refer", rows=2),
            Field.text("referral_email", field_width=30),
            Field.text("phone", field_width=20),
            Submit("save", "Save the service"),
        )
