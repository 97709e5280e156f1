"""The DVNA form: one page, one sitting. The rules are in assessments.dvna_services."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size, Submit
from django import forms

from assessments.dvna_services import PROTECTED_CHARACTERISTICS, RISKS, DvnaAnswers
from assessments.models import Level, NeedArea
from cases.choices import LANGUAGES

YES_NO = [("yes", "Yes"), ("no", "No")]

class DvnaForm(forms.Form):
    """The eight areas of need, the four risks and communication needs. Consent to share
    is asked per service at the referral (referrals.consent), not here. `version` is given
    when correcting a recorded DVNA (optimistic locking).
    """

    risk_notes = forms.CharField(
        label="Notes on risk", required=False, max_length=4000, widget=forms.Textarea
    )
    first_language = forms.ChoiceField(label="First language", choices=LANGUAGES)
    interpreter_needed = forms.ChoiceField(
        label="Is an interpreter needed?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether an interpreter is needed"},
    )
    communication_needs = forms.CharField(
        label="Other communication needs",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        help_text="For example hearing or sight, reading, a preferred way or time to be "
        "contacted.",
    )
    summary = forms.CharField(
        label="Summary of the assessment", required=False, max_length=4000, widget=forms.Textarea
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # About the victim: optional radios, none selected until the victim answers.
    disability = forms.ChoiceField(
        label="Do they consider themselves to have a disability?",
        required=False,
        widget=forms.RadioSelect,
        help_text="A physical or mental condition or illness that has lasted or is expected "
        "to last 12 months or more and reduces their ability to carry out day-to-day "
        "activities.",
    )
    religion = forms.ChoiceField(
        label="What is their religion?", required=False, widget=forms.RadioSelect
    )
    sexual_orientation = forms.ChoiceField(
        label="Which best describes their sexual orientation?",
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        level_choices = Level.choices
        need_fields = []
        for area in NeedArea:
            self.fields[f"{area.value}_level"] = forms.ChoiceField(
                label=area.label,
                choices=level_choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose the level of need for {area.label.lower()}"
                },
            )
            self.fields[f"{area.value}_notes"] = forms.CharField(
                label=f"Notes on {area.label.lower()}",
                required=False,
                max_length=4000,
                widget=forms.Textarea,
            )
            need_fields += [
                Field.radios(f"{area.value}_level", legend_size=Size.SMALL, inline=True,
                             small=True),
                Field.textarea(f"{area.value}_notes", rows=2),
            ]
        risk_fields = []
        for name, label in RISKS:
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=level_choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose the level for {label.lower()}"},
            )
            risk_fields.append(
                Field.radios(name, legend_size=Size.SMALL, inline=True, small=True)
            )
        # A language the crime system sent that the form does not list is kept, not lost.
        language = self.initial.get("first_language")
        if language and language not in dict(LANGUAGES):
            self.fields["first_language"].choices = [(language, language), *LANGUAGES]
        for name, answers in PROTECTED_CHARACTERISTICS.items():
            self.fields[name].choices = answers.choices
            self.fields[name].error_messages["invalid_choice"] = (
                "Choose one of the answers, or leave it unanswered"
            )
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(*need_fields, legend="The eight areas of need", legend_size=Size.MEDIUM),
            Fieldset(
                *risk_fields,
                Field.textarea("risk_notes", rows=3),
                legend="Risk",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.select("first_language"),
                Field.radios("interpreter_needed", inline=True, small=True),
                Field.textarea("communication_needs", rows=3),
                legend="Communication",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                HTML('<p class="govuk-body">Optional: ask only if the victim is happy to '
                     'answer, and say why the hub asks (to check that every victim gets '
                     'what the Victims\' Code promises). Leave a question unanswered if it '
                     'was not asked.</p>'),
                Field.radios("disability", legend_size=Size.SMALL, small=True),
                Field.radios("religion", legend_size=Size.SMALL, small=True),
                Field.radios("sexual_orientation", legend_size=Size.SMALL, small=True),
                legend="About the victim (optional)",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(Field.textarea("summary", rows=4), legend="Summary",
                     legend_size=Size.MEDIUM),
            *([Field("version")] if editing else []),
            Submit("save_dvna", "Save the changes" if editing else "Save the DVNA"),
        )

    def to_answers(self) -> DvnaAnswers:
        d = self.cleaned_data
        return DvnaAnswers(
            levels={area: d[f"{area}_level"] for area in NeedArea.values},
            notes={area: d[f"{area}_notes"] for area in NeedArea.values},
            risk_from_offender=d["risk_from_offender"],
            risk_of_self_harm=d["risk_of_self_harm"],
            risk_of_harming_others=d["risk_of_harming_others"],
            risk_of_wellbeing_deteriorating=d["risk_of_wellbeing_deteriorating"],
            risk_notes=d["risk_notes"],
            first_language=d["first_language"],
            interpreter_needed=d["interpreter_needed"] == "yes",
            communication_needs=d["communication_needs"],
            summary=d["summary"],
            **{name: d.get(name, "") for name in PROTECTED_CHARACTERISTICS},
        )

