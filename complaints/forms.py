"""The complaints log's forms (GOV.UK Design System through crispy-forms-gds). They hold no
rule: complaints.services says what a complaint needs."""

from __future__ import annotations

from datetime import datetime, time

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.utils import timezone

from cases.victims_code import VictimsCodeRight
from complaints.models import ComplainantKind, Complaint, HubService, Outcome, ReceivedBy
from core.fields import DateField

SUMMARY_MAX = Complaint._meta.get_field("summary").max_length


class RecordComplaintForm(forms.Form):
    received_on = DateField(
        label="When was it received?", help_text="For example, 27 3 2026",
        required_message="Enter the date the complaint was received",
    )
    how = forms.ChoiceField(
        label="How was it received?", choices=ReceivedBy.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose how the complaint was received"},
    )
    from_whom = forms.ChoiceField(
        label="Who made the complaint?", choices=ComplainantKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who made the complaint"},
    )
    complainant_name = forms.CharField(
        label="Their name", required=False,
        max_length=Complaint._meta.get_field("complainant_name").max_length,
        help_text="Not needed when the victim of the case complained.",
    )
    complainant_contact = forms.CharField(
        label="How to reach them with the answer", required=False,
        max_length=Complaint._meta.get_field("complainant_contact").max_length,
        help_text="A phone number, email or postal address, as they asked.",
    )
    about_right = forms.TypedChoiceField(
        label="Which right of the Victims' Code is it about?", required=False, coerce=int,
        empty_value=None, choices=[("", "None of them / not said"), *VictimsCodeRight.choices],
    )
    about_service = forms.ChoiceField(
        label="Which part of the hub's service is it about?", required=False,
        choices=[("", "Not said"), *HubService.choices],
    )
    summary = forms.CharField(
        label="What is the complaint?", max_length=SUMMARY_MAX, widget=forms.Textarea,
        help_text="In their words where you can: what happened and what they want done.",
        error_messages={"required": "Enter what the complaint is about"},
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("received_on"),
            Field.radios("how", legend_size=Size.SMALL),
            Field.radios("from_whom", legend_size=Size.SMALL),
            Field.text("complainant_name"),
            Field.text("complainant_contact"),
            Field.select("about_right"),
            Field.select("about_service"),
            Field.textarea("summary", rows=5, max_characters=SUMMARY_MAX),
            Submit("record", "Record the complaint"),
        )

    def received_at(self) -> datetime:
        """Today's complaint: now. An earlier one: the start of that day (the deadlines
        count working days from the date)."""
        day = self.cleaned_data["received_on"]
        if day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(datetime.combine(day, time.min))


class AnswerComplaintForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome", choices=Outcome.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )
    learning = forms.CharField(
        label="What the hub has learnt", required=False, widget=forms.Textarea,
        max_length=Complaint._meta.get_field("learning").max_length,
        help_text="What the hub will do differently. Write about the service: no names.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("outcome", legend_size=Size.SMALL),
            Field.textarea("learning", rows=4),
            Submit("answer", "Record the answer"),
        )
