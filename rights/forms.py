"""The VCC's forms on a case's rights: the evidence for a right, a step of the justice
process. Nothing is pre-selected; the rules are rights.services', whose errors are put on
these fields (core.forms.add_error_to_form)."""

from __future__ import annotations

from datetime import datetime, time

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.utils import timezone

from rights.models import EvidenceStatus, JusticeStage
from rights.services import RECORDABLE

# The service's field names where the form's differ (record_evidence's `at`).
EVIDENCE_FIELDS = {"at": "on"}


def _date_field(label: str, required_message: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        # A TextInput so the GOV.UK layout styles it; the browser shows a date picker.
        widget=forms.TextInput(attrs={"type": "date"}),
        error_messages={"required": required_message, "invalid": "Enter a real date"},
    )


class EvidenceForm(forms.Form):
    status = forms.ChoiceField(
        label="What happened?",
        choices=[(s.value, s.label) for s in map(EvidenceStatus, RECORDABLE)],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happened"},
    )
    on = _date_field("When", "Enter the date")
    how = forms.CharField(
        label="How was it met?", required=False, max_length=200,
        help_text="For example: phoned the victim and told them about the CICA scheme.",
    )
    reason = forms.CharField(
        label="Why was it missed, or why does it not apply?", required=False, max_length=300,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("status", small=True, legend_size=Size.SMALL),
            Field.text("on", field_width=10),
            Field.text("how"),
            Field.text("reason"),
            Submit("record_right", "Record"),
        )

    @property
    def at(self) -> datetime:
        """The day given, at the time it is recorded when that is today, else at noon."""
        day = self.cleaned_data["on"]
        now = timezone.localtime()
        return now if day == now.date() else timezone.make_aware(
            datetime.combine(day, time(12, 0))
        )


class JusticeEventForm(forms.Form):
    stage = forms.ChoiceField(
        label="Where is the case in the justice process?",
        choices=JusticeStage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the step of the justice process"},
    )
    occurred_on = _date_field("Date of this step", "Enter the date of this step")
    detail = forms.CharField(
        label="Detail (optional)", required=False, max_length=300,
        help_text="For example: the court, or the officer who told you.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("stage", small=True, legend_size=Size.SMALL),
            Field.text("occurred_on", field_width=10),
            Field.text("detail"),
            Submit("add_justice_event", "Add to the timeline"),
        )
