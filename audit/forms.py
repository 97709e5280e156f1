"""Forms for restricted cases: breaking the glass, naming users, restricting a case."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms

from audit.services import MAX_BREAK_GLASS_REASON, MIN_REASON_LENGTH

YES_NO = [("yes", "Yes"), ("no", "No")]


def _reason(label: str, help_text: str, *, maximum: int = 500) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        min_length=MIN_REASON_LENGTH,
        max_length=maximum,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter the reason",
            "min_length": f"The reason must be at least {MIN_REASON_LENGTH} characters",
            "max_length": f"The reason must be {maximum} characters or fewer",
        },
    )


class BreakGlassForm(forms.Form):
    reason = _reason(
        "Why do you need to open this record?",
        "For example: the victim rang the hub and their co-ordinator is away. Do not write "
        "the victim's details here. Your name, the time and your reason are recorded and "
        "the hub managers are told.",
        maximum=MAX_BREAK_GLASS_REASON,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter why you need to open this record"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.textarea("reason", rows=3, max_characters=MAX_BREAK_GLASS_REASON),
            Submit("break_glass", "Open the record", css_class="govuk-button--warning"),
        )


class NameUserForm(forms.Form):
    """A manager names a user on a restricted case."""

    user = forms.ModelChoiceField(
        label="Who else may open this case?",
        queryset=None,
        empty_label="Choose a co-ordinator",
        error_messages={"required": "Choose who may open the case",
                        "invalid_choice": "Choose someone from the list"},
    )
    reason = _reason("Why do they need it?", "For example: covering while the co-ordinator "
                     "is on leave.")

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("user"),
            Field.textarea("reason", rows=2),
            Submit("name", "Name them on the case"),
        )


class RestrictionForm(forms.Form):
    restricted = forms.TypedChoiceField(
        label="Restrict this case?",
        help_text="Restrict the case of a victim who is police staff, a public figure, or at "
        "high risk of being traced: only managers, the allocated co-ordinator and named "
        "users may open it, and it is left out of everyone else's lists and search.",
        choices=YES_NO,
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        error_messages={"required": "Select whether the case is restricted"},
    )
    reason = _reason("Why?", "The reason is kept in the case's audit history.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("restricted", small=True, inline=True),
            Field.textarea("reason", rows=2),
            Submit("restrict", "Save"),
        )


class RevokeForm(forms.Form):
    grant = forms.IntegerField(widget=forms.HiddenInput)
