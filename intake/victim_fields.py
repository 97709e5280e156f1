"""The victim's questions, asked once for every form a case comes in by: the same labels,
error messages and checks on the IVNA, the transfer-in form and, where the questions are
the same, the public self-referral form."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from cases.choices import LANGUAGES, CrimeType, Ethnicity, Gender, Marker
from core.choices import District
from core.fields import DateField, PhoneField
from intake.matching import VictimDetails

YES_NO = [("yes", "Yes"), ("no", "No")]


def yes(value: str) -> bool:
    return value == "yes"


def yes_no(label: str, *, required_message: str = "", **kwargs) -> forms.ChoiceField:
    """A yes-or-no question asked with radios; its answer is "yes" or "no" (see yes()).

    Never pre-selected (GOV.UK: "do not pre-select radio options"; issue 11): an answer
    nobody gave must not pass as one, least of all on a safety question. A required question
    says in the hub's words what to choose (`required_message`).
    """
    if required_message:
        kwargs["error_messages"] = {
            "required": required_message, **kwargs.get("error_messages", {})
        }
    return forms.ChoiceField(label=label, choices=YES_NO, widget=forms.RadioSelect, **kwargs)


class ContactFieldsForm(forms.Form):
    """How to reach the person: asked alike by staff and on the public page."""

    phone = PhoneField(label="Phone number", required=False)
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )
    address_line1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)


class CrimeFieldsForm(forms.Form):
    """The crime as staff record it from a police report or a sender's transfer."""

    crime_type = forms.ChoiceField(
        label="Crime or incident type",
        choices=[("", "Choose a type")] + CrimeType.choices,
        error_messages={"required": "Choose the crime or incident type"},
    )
    offence_date = DateField(
        label="Date of the offence",
        help_text="For example, 27 3 2025",
        required_message="Enter the date of the offence",
    )
    markers = forms.MultipleChoiceField(
        label="Markers on the crime",
        choices=Marker.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
    )


class VictimFieldsForm(ContactFieldsForm, CrimeFieldsForm):
    """The victim as staff record them (IVNA, transfer in), with the crime, and the
    intake services' errors put on the questions they are about."""

    first_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter the last name"}
    )
    date_of_birth = DateField(
        label="Date of birth", required=False, help_text="Leave blank if not known"
    )
    gender = forms.ChoiceField(
        label="Gender", choices=Gender.choices, initial=Gender.UNKNOWN, widget=forms.RadioSelect
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity", choices=Ethnicity.choices, initial=Ethnicity.UNKNOWN
    )
    first_language = forms.ChoiceField(label="First language", choices=LANGUAGES, initial="en")
    interpreter_needed = yes_no(
        "Is an interpreter needed?", required_message="Select whether an interpreter is needed"
    )
    district = forms.ChoiceField(
        label="District where the victim lives",
        error_messages={"required": "Choose the district where the victim lives"},
    )
    # The safe-contact questions: asked, never assumed (issue 11).
    safe_to_call = yes_no(
        "Is it safe to phone the victim?",
        required_message="Select whether it is safe to phone the victim",
    )
    may_leave_message = yes_no(
        "May the hub leave a message?",
        required_message="Select whether the hub may leave a message",
    )
    safe_to_write = yes_no(
        "Is it safe to write to the victim?",
        help_text="Answer no if, for example, the suspect lives at the same address.",
        required_message="Select whether it is safe to write to the victim",
    )

    # The districts a victim may live in for this way in.
    DISTRICTS: list[tuple[str, str]] = District.choices
    # Where the intake services' errors (intake.checks) belong on the form.
    SERVICE_ERROR_FIELDS = {
        "crime.offence_date": "offence_date",
        "crime.reported_at": "offence_date",
        "victim.date_of_birth": "date_of_birth",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", "Choose a district")] + self.DISTRICTS

    def victim_details(self) -> VictimDetails:
        d = self.cleaned_data
        return VictimDetails(
            police_person_id=d.get("police_person_id", ""),
            first_name=d["first_name"],
            last_name=d["last_name"],
            date_of_birth=d.get("date_of_birth"),
            gender=d["gender"],
            ethnicity=d["ethnicity"],
            nationality=d.get("nationality", ""),
            phone=d["phone"],
            email=d["email"],
            address_line1=d["address_line1"],
            town=d["town"],
            postcode=d["postcode"],
            district=d["district"],
            first_language=d["first_language"],
            interpreter_needed=yes(d["interpreter_needed"]),
            safe_to_call=yes(d["safe_to_call"]),
            may_leave_message=yes(d["may_leave_message"]),
        )

    def victim_fieldsets(self, *, legend_size: str | None = None) -> list[Fieldset]:
        """ "The victim" and "Contact and safety", as every staff form lays them out (a
        form's own questions, such as the police person id, where it has them)."""

        def radios(name: str) -> Field:
            return Field.radios(name, inline=True, small=True, legend_size=legend_size)

        about = [
            ("police_person_id", Field.text("police_person_id", field_width=10)),
            ("first_name", Field.text("first_name", field_width=20)),
            ("last_name", Field.text("last_name", field_width=20)),
            ("date_of_birth", Field("date_of_birth")),
            ("gender", radios("gender")),
            ("ethnicity", Field.select("ethnicity")),
            ("nationality", Field.text("nationality", field_width=20)),
            ("first_language", Field.select("first_language")),
            ("interpreter_needed", radios("interpreter_needed")),
        ]
        return [
            Fieldset(
                *(item for name, item in about if name in self.fields),
                legend="The victim",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("phone", field_width=20),
                Field.text("email", field_width=30),
                Field.text("address_line1", field_width=30),
                Field.text("town", field_width=20),
                Field.text("postcode", field_width=10),
                Field.select("district"),
                radios("safe_to_call"),
                radios("may_leave_message"),
                radios("safe_to_write"),
                legend="Contact and safety",
                legend_size=Size.MEDIUM,
            ),
        ]
