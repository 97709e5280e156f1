from __future__ import annotations

from datetime import datetime

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.utils import timezone

from contact.models import AttemptOutcome, ContactOutcome
from core.fields import PhoneField


class ContactAttemptForm(forms.Form):
    made_on = forms.DateField(
        label="Date of the call",
        # A TextInput so the GOV.UK layout styles it; the browser shows a date picker.
        widget=forms.TextInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the date of the call", "invalid": "Enter a real date"},
    )
    made_at_time = forms.TimeField(
        label="Time of the call",
        widget=forms.TextInput(attrs={"type": "time"}),
        error_messages={"required": "Enter the time of the call", "invalid": "Enter a real time"},
    )
    number_used = PhoneField(
        label="Number called", error_messages={"required": "Enter the number you called"},
    )
    outcome = forms.ChoiceField(
        label="What happened?",
        choices=AttemptOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happened on the call"},
    )
    notes = forms.CharField(label="Notes", required=False, max_length=2000, widget=forms.Textarea)
    with_interpreter = forms.BooleanField(
        label="An interpreter was on the call", required=False,
        help_text="Tick if the victim spoke through an interpreter (Victims' Code right 1).",
    )
    override_reason = forms.CharField(
        label="Reason for overriding the contact rules (hub managers only)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, can_override: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        now = timezone.localtime()
        self.fields["made_on"].initial = now.date().isoformat()
        self.fields["made_at_time"].initial = now.strftime("%H:%M")
        fields = [
            Field.text("made_on", field_width=10),
            Field.text("made_at_time", field_width=10),
            Field.text("number_used", field_width=20),
            Field.radios("outcome", small=True),
            Field.checkbox("with_interpreter", small=True),
            Field.textarea("notes", rows=3),
        ]
        if can_override:
            fields.append(Field.textarea("override_reason", rows=2))
        else:
            del self.fields["override_reason"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*fields, Submit("record_attempt", "Record the call"))

    @property
    def made_at(self) -> datetime:
        return timezone.make_aware(
            datetime.combine(self.cleaned_data["made_on"], self.cleaned_data["made_at_time"])
        )


class ContactOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What did the victim decide?",
        choices=[
            (ContactOutcome.ACCEPTED, "Accepted support (go on to the DVNA)"),
            (ContactOutcome.SIGNPOSTED, "Signposted to another service"),
            (ContactOutcome.DECLINED, "Declined support"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the victim decided"},
    )
    detail = forms.CharField(
        label="Reason for declining, or what they were signposted to",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("outcome", small=True, legend_size=Size.SMALL),
            Field.textarea("detail", rows=2),
            Submit("record_outcome", "Record the outcome"),
        )


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Add a note to the contact log",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the note"},
    )
    restricted = forms.BooleanField(
        label="Restricted: only hub managers can read this note", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.textarea("text", rows=3),
            Field.checkbox("restricted", small=True),
            Submit("add_note", "Add the note", css_class="govuk-button--secondary"),
        )


def _yes_no(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": f"Answer the question: {label}"},
    )


class SafeContactForm(forms.Form):
    """A VCC changes the victim's safe-contact answers, always with a reason. The radios show
    what the hub has recorded now (no answer is assumed: they are the victim's answers)."""

    ANSWERS = ("safe_to_call", "may_leave_message", "safe_to_write")
    safe_to_call = _yes_no("Is it safe to phone the victim?")
    may_leave_message = _yes_no("May the hub leave a message?")
    safe_to_write = _yes_no("Is it safe to write to the victim?")
    reason = forms.CharField(
        label="Why are you changing this?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: the victim told me on the phone the suspect has moved out.",
        error_messages={"required": "Give the reason for the change"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *(Field.radios(name, inline=True, small=True) for name in self.ANSWERS),
            Field.textarea("reason", rows=3),
            Submit("submit", "Save safe contact"),
        )

    def answers(self) -> dict[str, bool]:
        return {name: self.cleaned_data[name] for name in self.ANSWERS}


class StopLetterForm(forms.Form):
    """Stop a letter at the safety check: the reason is required by the service
    (contact.letter_checks.stop_letter), which says so on this field."""

    reason = forms.CharField(
        label="Why must this letter not be sent?",
        help_text="For example: the victim's partner reads their email. This is kept with the "
        "letter and shown on the case.",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.textarea("reason", rows=3),
            Submit("stop", "Stop this letter", css_class="govuk-button--warning"),
        )


class CaseMoveForm(forms.Form):
    """A move on the case made by a person, always with the reason (contact.lifecycle); the
    reason is checked by the service, which says so on this field. `service_label`: the move
    names the service now supporting the victim."""

    service = forms.CharField(max_length=200, required=False)
    reason = forms.CharField(
        label="Why?",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="This is kept on the case's timeline with your name.",
    )

    def __init__(self, *args, submit: str, service_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        fields = [Field.textarea("reason", rows=3)]
        if service_label:
            self.fields["service"].label = service_label
            fields.insert(0, Field.text("service", field_width=20))
        else:
            del self.fields["service"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*fields, Submit("move", submit))
