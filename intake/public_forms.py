"""The public self-referral form: few required questions, and the safe-contact ones asked
plainly, because a wrong guess (a letter to a shared address) can put someone at risk."""

from __future__ import annotations

import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import (
    HTML,
    ConditionalQuestion,
    ConditionalRadios,
    Field,
    Fieldset,
    Layout,
    Size,
    Submit,
)
from django import forms
from django.conf import settings

from cases.choices import LANGUAGES, ContactBand
from core.choices import District
from core.fields import PhoneField
from intake.models import AskedBy, ReportedToPolice
from intake.selfreferral import SelfReferralAnswers
from intake.victim_fields import ContactFieldsForm, yes, yes_no

NOT_SURE = "not_sure"
ACCOUNT_MAX_CHARACTERS = 3000

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")

ASKED_BY_CHOICES = [
    (AskedBy.VICTIM, "I am asking for support for myself"),
    (AskedBy.FAMILY, "I am a family member of the person who needs support"),
    (AskedBy.CARER, "I am a guardian or carer of the person who needs support"),
]


def _band_choices() -> list[tuple[str, str]]:
    """'Morning (9am to 12pm)': the calling bands as the hub works them (settings)."""

    def clock(value: str) -> str:
        hour, minute = (int(part) for part in value.split(":"))
        suffix = "am" if hour < 12 else "pm"
        hour = hour % 12 or 12
        return f"{hour}{suffix}" if minute == 0 else f"{hour}:{minute:02d}{suffix}"

    labels = dict(ContactBand.choices)
    return [
        (name, f"{labels.get(name, name.title())} ({clock(start)} to {clock(end)})")
        for name, (start, end) in settings.HUB_CONTACT_BANDS.items()
        if name in labels
    ]


class SelfReferralForm(ContactFieldsForm):
    """The public self-referral form. The contact questions are the staff forms' own
    (intake.victim_fields); the others are worded for the person asking, and the phone
    number and postcode are also checked for their shape."""

    asked_by = forms.ChoiceField(
        label="Who is asking for support?",
        choices=ASKED_BY_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who is asking for support"},
    )
    asker_name = forms.CharField(
        label="Your name",
        max_length=200,
        required=False,
        help_text="Only if you are asking for someone else.",
    )
    asker_relationship = forms.CharField(
        label="Your relationship to them",
        max_length=100,
        required=False,
        help_text="For example, mother, brother, foster carer.",
    )
    first_name = forms.CharField(
        label="First name",
        max_length=100,
        error_messages={"required": "Enter the first name of the person who needs support"},
    )
    last_name = forms.CharField(label="Last name (optional)", max_length=100, required=False)
    under_18 = yes_no(
        "Is the person who needs support under 18?",
        error_messages={"required": "Select yes if the person who needs support is under 18"},
    )
    district = forms.ChoiceField(
        label="Where do they live? (optional)",
        choices=[("", "Choose an area")] + District.choices + [(NOT_SURE, "I'm not sure")],
        required=False,
    )
    first_language = forms.ChoiceField(
        label="What is their first language?", choices=LANGUAGES, initial="en", required=False
    )
    phone = PhoneField(label="Phone number", required=False)
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        required=False,
        error_messages={"max_length": "Enter a real postcode, like PE13 1AA"},
    )
    safe_to_call = yes_no(
        "Is it safe for us to phone?",
        error_messages={"required": "Select yes if it is safe for us to phone"},
    )
    may_leave_message = yes_no("If nobody answers, may we leave a message?", required=False)
    call_bands = forms.MultipleChoiceField(
        label="When is it best to call?",
        choices=_band_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. Leave these blank if any time is fine.",
    )
    safe_to_write = yes_no(
        "Is it safe for us to write, by letter or email?",
        help_text="Answer no if someone who might harm you could read it.",
        error_messages={"required": "Select yes if it is safe for us to write"},
    )
    reported_to_police = forms.ChoiceField(
        label="Has it been reported to the police? (optional)",
        choices=ReportedToPolice.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="You can get support either way.",
    )
    account = forms.CharField(
        label="What happened? (optional)",
        max_length=ACCOUNT_MAX_CHARACTERS,
        required=False,
        widget=forms.Textarea,
        help_text=(
            "Tell us as much or as little as you want. We will talk it through with you, so "
            "you can leave this blank."
        ),
        error_messages={
            "max_length": f"What happened must be {ACCOUNT_MAX_CHARACTERS} characters or fewer"
        },
    )

    field_order = [
        "asked_by", "asker_name", "asker_relationship", "first_name", "last_name",
        "under_18", "district", "first_language", "phone", "email", "address_line1", "town",
        "postcode", "safe_to_call", "may_leave_message", "call_bands", "safe_to_write",
        "reported_to_police", "account",
    ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                Field.radios("asked_by"),
                Field.text("asker_name", field_width=20),
                Field.text("asker_relationship", field_width=20),
                legend="About you",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("first_name", field_width=20),
                Field.text("last_name", field_width=20),
                Field.radios("under_18", inline=True),
                Field.select("district"),
                Field.select("first_language"),
                legend="The person who needs support",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                HTML(
                    '<p class="govuk-hint">Give at least one. If you are asking for someone '
                    "else, give the details we should use. Only give an address if it is safe "
                    "for us to write to it.</p>"
                ),
                Field.text("phone", field_width=20),
                Field.text("email", field_width=30),
                Field.text("address_line1", field_width=30),
                Field.text("town", field_width=20),
                Field.text("postcode", field_width=10),
                legend="How can we contact you?",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                ConditionalRadios(
                    "safe_to_call",
                    ConditionalQuestion("Yes", "may_leave_message", "call_bands"),
                    "No",
                ),
                Field.radios("safe_to_write"),
                legend="Contacting you safely",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("reported_to_police", inline=True),
                Field.textarea("account", rows=6, max_characters=ACCOUNT_MAX_CHARACTERS),
                legend="What happened",
                legend_size=Size.MEDIUM,
            ),
            Submit("submit", "Send request"),
        )

    def clean_postcode(self) -> str:
        postcode = " ".join(self.cleaned_data["postcode"].upper().split())
        if postcode and not POSTCODE.match(postcode):
            raise forms.ValidationError("Enter a real postcode, like PE13 1AA")
        return postcode

    def clean(self):
        data = super().clean()  # text arrives trimmed (CharField strips)
        if data.get("asked_by") in (AskedBy.FAMILY, AskedBy.CARER):
            if not data.get("asker_name"):
                self.add_error("asker_name", "Enter your name")
            if not data.get("asker_relationship"):
                self.add_error(
                    "asker_relationship",
                    "Enter your relationship to the person who needs support",
                )

        phone, email = data.get("phone"), data.get("email")
        line1, postcode = data.get("address_line1"), data.get("postcode")
        if line1 and not postcode and "postcode" not in self.errors:
            self.add_error("postcode", "Enter the postcode")
        if postcode and not line1:
            self.add_error("address_line1", "Enter the first line of the address")
        address = bool(line1 and postcode)
        contact_fields_ok = not any(f in self.errors for f in ("phone", "email", "postcode"))
        if contact_fields_ok and not (phone or email or address):
            self.add_error("phone", "Enter a phone number, an email address or a safe address")

        call, write = data.get("safe_to_call"), data.get("safe_to_write")
        if call == "yes" and not data.get("may_leave_message"):
            self.add_error("may_leave_message", "Select yes if we may leave a message")
        if contact_fields_ok and (phone or email or address) and call and write:
            usable = (call == "yes" and phone) or (write == "yes" and (email or address))
            if not usable:
                self.add_error(
                    "safe_to_call",
                    "Tell us at least one safe way to contact you: a phone number we may "
                    "call, or an email address or address we may write to",
                )
        return data

    # Radios shown with a conditional reveal number their choices from 0, the others from 1.
    CONDITIONAL_RADIOS = frozenset({"safe_to_call"})

    def error_links(self) -> list[tuple[str, str]]:
        """(anchor id, message) for the error summary, in the order of the questions: a
        question of radios or checkboxes links to its first choice, as GOV.UK asks."""
        links = []
        for name, field in self.fields.items():
            multiple = isinstance(field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple))
            if multiple:
                anchor = f"id_{name}_{0 if name in self.CONDITIONAL_RADIOS else 1}"
            else:
                anchor = self[name].auto_id
            links += [(anchor, str(message)) for message in self.errors.get(name, [])]
        return links

    def to_answers(self) -> SelfReferralAnswers:
        d = self.cleaned_data
        return SelfReferralAnswers(
            asked_by=d["asked_by"],
            asker_name=d["asker_name"] if d["asked_by"] != AskedBy.VICTIM else "",
            asker_relationship=(d["asker_relationship"] if d["asked_by"] != AskedBy.VICTIM else ""),
            first_name=d["first_name"],
            last_name=d["last_name"],
            under_18=yes(d["under_18"]),
            district="" if d["district"] == NOT_SURE else d["district"],
            first_language=d["first_language"] or "en",
            phone=d["phone"],
            email=d["email"],
            address_line1=d["address_line1"] if d["postcode"] else "",
            town=d["town"] if d["postcode"] else "",
            postcode=d["postcode"] if d["address_line1"] else "",
            safe_to_call=yes(d["safe_to_call"]),
            may_leave_message=yes(d["may_leave_message"]),
            call_bands=list(d["call_bands"]),
            safe_to_write=yes(d["safe_to_write"]),
            reported_to_police=d["reported_to_police"],
            account=d["account"],
        )
