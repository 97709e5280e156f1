from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms

from directory.models import SupportService
from intake.models import SharedItem
from referrals.consent import SHARE_QUESTIONS, ConsentAnswers

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes(value: str) -> bool:
    return value == "yes"


class ChooseServiceForm(forms.Form):
    """The service, for a plan action that names none (sent by GET: the consent questions
    that follow are about that service)."""

    service = forms.ModelChoiceField(
        label="Service to refer to",
        queryset=SupportService.objects.filter(active=True).order_by("name"),
        empty_label="Choose a service",
        error_messages={"required": "Choose the service",
                        "invalid_choice": "Choose a service from the directory"},
    )


class ConsentForm(forms.Form):
    """The victim's answers about sharing with one service, asked at the referral
    (referrals.consent). `initial` holds the earlier explicit answers only: a question
    without one has nothing selected."""

    def __init__(self, *args, service: SupportService, first_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agree"] = forms.ChoiceField(
            label=f"Does {first_name} agree to be referred to {service.name}?",
            help_text="Their name and the hub's case reference go with every referral.",
            choices=YES_NO, widget=forms.RadioSelect,
            error_messages={"required": "Select whether the victim agrees to be referred to "
                                        f"{service.name}"},
        )
        for name, _, words in SHARE_QUESTIONS:
            self.fields[name] = forms.ChoiceField(
                label=f"Does {first_name} agree to share {words} with {service.name}?",
                choices=YES_NO, widget=forms.RadioSelect, required=False,
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("agree", legend_size=Size.SMALL, inline=True),
            Fieldset(
                *[Field.radios(name, legend_size=Size.SMALL, inline=True)
                  for name, _, _ in SHARE_QUESTIONS],
                legend="If they agree: what may be shared",
                legend_size=Size.MEDIUM,
            ),
            Submit("check", "Continue"),
        )

    def to_answers(self) -> ConsentAnswers:
        d = self.cleaned_data

        def answer(name: str) -> bool | None:
            return {"yes": True, "no": False}.get(d.get(name) or "")

        return ConsentAnswers(
            agree=answer("agree"),
            **{name: answer(name) for name, _, _ in SHARE_QUESTIONS},
        )


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
