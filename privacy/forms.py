from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms

from cases.choices import ContactBand
from cases.models import Person
from core.fields import DateField, PhoneField
from privacy.models import ErasureDecision, HoldReason, RetentionRule
from privacy.services import RECTIFIABLE

YES_NO = [("yes", "Yes"), ("no", "No")]


class RetentionScheduleForm(forms.Form):
    """The period of every rule of the schedule, on one page."""

    def __init__(self, *args, rules: list[RetentionRule], **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = rules
        for rule in rules:
            self.fields[self.field_name(rule)] = forms.IntegerField(
                label=f"{rule.name} (years)",
                min_value=1,
                max_value=100,
                initial=rule.years,
                help_text=rule.rationale,
                error_messages={
                    "required": f"Enter the years for “{rule.name}”",
                    "invalid": "Enter a whole number of years",
                    "min_value": "A retention period is at least 1 year",
                    "max_value": "A retention period is at most 100 years",
                },
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *[Field.text(self.field_name(rule), field_width=3) for rule in rules],
            Submit("save", "Save the schedule"),
        )

    @staticmethod
    def field_name(rule: RetentionRule) -> str:
        return f"years_{rule.key}"

    def years(self) -> dict[int, int]:
        return {rule.pk: self.cleaned_data[self.field_name(rule)] for rule in self.rules}


class LegalHoldForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why must the records be kept?",
        choices=HoldReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the records must be kept"},
    )
    detail = forms.CharField(
        label="Details",
        help_text="For example the court and hearing date, the review panel, or who asked. "
        "Do not repeat the victim's details.",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": "Enter the details of the hold"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("reason", small=True),
            Field.textarea("detail", rows=3),
            Submit("place", "Place the legal hold"),
        )


class LiftHoldForm(forms.Form):
    hold = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why can the hold be lifted?",
        max_length=1000,
        error_messages={"required": "Enter why the hold can be lifted"},
    )


class RectificationForm(forms.ModelForm):
    """A correction of the person's details, at their request, with the reason."""

    date_of_birth = DateField(
        label="Date of birth", required=False, help_text="Leave blank if not known"
    )
    phone = PhoneField(label="Phone (optional)", required=False)
    safe_to_call = forms.TypedChoiceField(
        label="Is it safe to phone them?", choices=YES_NO, widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
    )
    may_leave_message = forms.TypedChoiceField(
        label="May a message be left?", choices=YES_NO, widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
    )
    safe_to_write = forms.TypedChoiceField(
        label="Is it safe to write to them?", choices=YES_NO, widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
    )
    safe_contact_bands = forms.MultipleChoiceField(
        label="Safe times to phone",
        help_text="Leave all unticked if any time is safe.",
        choices=ContactBand.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # A TextField in the model, so limited here.
    safe_contact_notes = forms.CharField(
        label="Safe contact notes (optional)", required=False, max_length=2000,
        widget=forms.Textarea,
    )
    reason = forms.CharField(
        label="Why is this being corrected?",
        help_text="For example: the victim told us on the phone that the date of birth was "
        "wrong.",
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"required": "Enter why the details are being corrected"},
    )

    class Meta:
        model = Person
        fields = list(RECTIFIABLE)
        labels = {
            "address_line1": "Address line 1 (optional)",
            "address_line2": "Address line 2 (optional)",
            "phone": "Phone (optional)",
            "email": "Email (optional)",
            "town": "Town (optional)",
            "postcode": "Postcode (optional)",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("safe_to_call", "may_leave_message", "safe_to_write"):
            self.initial[name] = "yes" if getattr(self.instance, name) else "no"
        self.fields["first_name"].error_messages["required"] = "Enter the first name"
        self.fields["last_name"].error_messages["required"] = "Enter the last name"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                Field.text("first_name", field_width=20),
                Field.text("last_name", field_width=20),
                Field("date_of_birth"),
                legend="Name and date of birth",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("phone", field_width=20),
                Field.text("email", field_width=30),
                Field.text("address_line1", field_width=30),
                Field.text("address_line2", field_width=30),
                Field.text("town", field_width=20),
                Field.text("postcode", field_width=10),
                legend="Contact details and address",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("safe_to_call", inline=True, small=True),
                Field.radios("may_leave_message", inline=True, small=True),
                Field.radios("safe_to_write", inline=True, small=True),
                Field.checkboxes("safe_contact_bands", small=True),
                Field.textarea("safe_contact_notes", rows=2),
                legend="Safe contact",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("reason", rows=3),
            Submit("rectify", "Record the correction"),
        )

    def changes(self) -> dict[str, object]:
        """The corrected values of the fields that changed."""
        return {name: self.cleaned_data[name] for name in RECTIFIABLE if name in self.changed_data}


class ErasureForm(forms.Form):
    decision = forms.ChoiceField(
        label="What is the decision?",
        choices=[
            (ErasureDecision.ERASED, "Erase now: anonymise every case of this person"),
            (ErasureDecision.REFUSED, "Refuse, with the reason"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to erase or to refuse"},
    )
    reason = forms.CharField(
        label="Reason",
        help_text="How the request came and why this decision: for a refusal, the legal "
        "reason (for example a legal hold, or a claim the hub must defend). Do not repeat "
        "the victim's details.",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": "Enter the reason for the decision"},
    )
    confirm = forms.BooleanField(
        label="I understand that erasure cannot be undone",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("decision", small=True),
            Field.textarea("reason", rows=3),
            Field.checkbox("confirm", small=True),
            Submit("record", "Record the decision"),
        )

    def clean(self):
        data = super().clean()
        if data.get("decision") == ErasureDecision.ERASED and not data.get("confirm"):
            self.add_error("confirm", "Confirm that you understand erasure cannot be undone")
        return data
