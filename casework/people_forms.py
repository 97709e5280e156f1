"""Forms for merging two person records and undoing a merge."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from cases.people import MAX_MERGE_REASON


def _reason(label: str, help_text: str, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=MAX_MERGE_REASON,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter the reason",
            "max_length": f"The reason must be {MAX_MERGE_REASON} characters or fewer",
        },
    )


class MergePeopleForm(forms.Form):
    """Which of the other record's details to keep, why, and a confirmation."""

    take = forms.MultipleChoiceField(
        label="Details to take from the other record",
        help_text="Anything not ticked stays as on the kept record.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose details from the list"},
    )
    reason = _reason(
        "Why are these the same person?",
        "For example: confirmed with the victim on the phone. Your name, the time and your "
        "reason are recorded.",
    )
    confirm = forms.BooleanField(
        label="I have checked these records are the same person",
        error_messages={"required": "Confirm these records are the same person"},
    )

    def __init__(self, *args, offered: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["take"].choices = offered
        self.helper = FormHelper()
        self.helper.form_tag = False
        fields = [Field.checkboxes("take", small=True, legend_size=Size.SMALL)] if offered else []
        self.helper.layout = Layout(
            *fields,
            Field.textarea("reason", rows=3, max_characters=MAX_MERGE_REASON),
            Field.checkbox("confirm"),
            Submit("merge", "Merge the records", css_class="govuk-button--warning"),
        )


class UndoMergeForm(forms.Form):
    reason = _reason("Why undo the merge?", "For example: the victim says this is not them.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.textarea("reason", rows=3, max_characters=MAX_MERGE_REASON),
            Submit("undo", "Undo the merge", css_class="govuk-button--warning"),
        )
