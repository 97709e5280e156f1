"""Forms for the recovery plan, reviews, closure and the survey. They check the shape of the
answers only; the rules are in assessments.support_services."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms

from assessments.models import (
    ActionKind,
    ActionStatus,
    ClosureReason,
    HelpedToCope,
    Level,
    NeedArea,
    Outcome,
    Wellbeing,
)
from assessments.support_services import ActionDetails
from cases.selectors import caseworkers
from core.fields import DateField
from directory.models import SupportService

YES_NO = [("yes", "Yes"), ("no", "No")]
# Short labels under the question "is the victim better able to cope?", one line per area.
OUTCOME_CHOICES = [
    (Outcome.BETTER, "Better"),
    (Outcome.SAME, "The same"),
    (Outcome.WORSE, "Worse"),
    (Outcome.NOT_KNOWN, "Not known"),
]


def _helper(*fields, submit: str | None = None, secondary: bool = False) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    items = list(fields)
    if submit:
        items.append(
            Submit("submit", submit, css_class="govuk-button--secondary" if secondary else "")
        )
    helper.layout = Layout(*items)
    return helper


class ActionForm(forms.Form):
    """One action of a recovery plan. On the agree page there are several, each optional;
    on the add and change pages it carries the plan's version (optimistic locking). What an
    action must have is checked by the service, so every problem shows at once."""

    kind = forms.ChoiceField(
        label="Kind of support",
        choices=[("", "Choose the kind of support"), *ActionKind.choices],
        required=False,
    )
    description = forms.CharField(
        label="What will be done",
        max_length=2000,
        widget=forms.Textarea,
        required=False,
    )
    need_areas = forms.MultipleChoiceField(
        label="Areas of need it addresses",
        choices=NeedArea.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    owner = forms.ModelChoiceField(
        label="Owner",
        queryset=None,
        help_text="The VCC or manager responsible. Face-to-face support: the volunteer is "
        "allocated separately.",
        required=False,
    )
    service = forms.ModelChoiceField(
        label="Service (for a referral, Restorative Justice or signposting)",
        queryset=None,
        required=False,
        empty_label="No service",
    )
    review_on = DateField(label="Review by", required=False, help_text="For example, 27 3 2026")
    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices,
                               initial=ActionStatus.PLANNED)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, owner_initial=None, with_status: bool = True,
                 with_version: bool = True, legend: str = "", submit: str | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = caseworkers()
        self.fields["owner"].initial = owner_initial
        self.fields["service"].queryset = SupportService.objects.filter(active=True)
        fields = [
            Field.select("kind"),
            Field.textarea("description", rows=2),
            Field.checkboxes("need_areas", small=True),
            Field.select("owner"),
            Field.select("service"),
            Field("review_on"),
        ]
        if with_status:
            fields.append(Field.select("status"))
        else:
            del self.fields["status"]
        if with_version:
            fields.append(Field("version"))
        else:
            del self.fields["version"]
        if legend:
            fields = [Fieldset(*fields, legend=legend, legend_size=Size.MEDIUM)]
        self.helper = _helper(*fields, submit=submit)
        self.helper.disable_csrf = True

    def to_details(self) -> ActionDetails:
        d = self.cleaned_data
        return ActionDetails(
            kind=d["kind"],
            description=d["description"],
            need_areas=list(d["need_areas"]),
            owner=d["owner"],
            service=d.get("service"),
            review_on=d.get("review_on"),
            status=d.get("status") or ActionStatus.PLANNED,
        )


class BaseActionFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs.update(with_status=False, with_version=False,
                      legend=f"Action {index + 1}" if index is not None else "")
        return kwargs


# The agree page shows three actions. Without a limit of its own a formset builds (and shows
# again) as many forms as the posted TOTAL_FORMS asks for, up to 2,000 (Django's default).
ActionFormSet = forms.formset_factory(
    ActionForm, formset=BaseActionFormSet, extra=3, max_num=3, absolute_max=3,
    validate_max=True,
)


class AgreePlanForm(forms.Form):
    next_review_on = DateField(
        label="Date of the first review",
        help_text="When you will check on the victim and review the plan. For example, "
        "27 3 2026",
        required_message="Enter the date of the first review",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("next_review_on"))


class ReviewDateForm(forms.Form):
    next_review_on = DateField(
        label="Date of the next review",
        help_text="For example, 27 3 2026",
        required_message="Enter the date of the next review",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("next_review_on"), Field("version"),
                              submit="Change the review date")


class ReviewForm(forms.Form):
    """A follow-up review: how the victim is, each action's progress, what next."""

    wellbeing = forms.ChoiceField(
        label="How is the victim since the last contact?",
        choices=Wellbeing.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the victim is"},
    )
    notes = forms.CharField(label="Notes", required=False, max_length=4000,
                            widget=forms.Textarea)
    reassessment_needed = forms.ChoiceField(
        label="Have their needs changed enough to reassess them (a new DVNA)?",
        choices=YES_NO,
        initial="no",
        widget=forms.RadioSelect,
    )
    next_review_on = DateField(
        label="Date of the next review",
        required=False,
        help_text="Leave blank if no further review is planned (for example, before "
        "closing). For example, 27 3 2026",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = list(actions)
        action_fields = []
        for action in self.actions:
            name = f"action_{action.pk}"
            self.fields[name] = forms.ChoiceField(
                label=f"{action.get_kind_display()}: {action.description}",
                choices=ActionStatus.choices,
                initial=action.status,
            )
            action_fields.append(Field.select(name))
        layout = [
            Field.radios("wellbeing", legend_size=Size.SMALL, inline=True, small=True),
            Field.textarea("notes", rows=4),
        ]
        if action_fields:
            layout.append(Fieldset(*action_fields, legend="Progress of the actions",
                                   legend_size=Size.SMALL))
        layout += [
            Field.radios("reassessment_needed", legend_size=Size.SMALL, inline=True,
                         small=True),
            Field("next_review_on"),
            Field("version"),
        ]
        self.helper = _helper(*layout, submit="Record the review")

    def action_statuses(self) -> dict[int, str]:
        return {a.pk: self.cleaned_data[f"action_{a.pk}"] for a in self.actions}


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why is the case closing?",
        choices=ClosureReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the case is closing"},
    )
    reason_detail = forms.CharField(
        label="If other, say why", required=False, max_length=500
    )
    notes = forms.CharField(label="Closing notes", required=False, max_length=4000,
                            widget=forms.Textarea)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = list(areas)
        outcome_fields = []
        for area, level in self.areas:
            name = f"outcome_{area}"
            self.fields[name] = forms.ChoiceField(
                label=f"{NeedArea(area).label} (need found: {Level(level).label.lower()})",
                choices=OUTCOME_CHOICES,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Select the outcome for {NeedArea(area).label.lower()}"
                },
            )
            outcome_fields.append(Field.radios(name, inline=True, small=True))
        layout = [
            Field.radios("reason", legend_size=Size.SMALL, small=True),
            Field.text("reason_detail", field_width=30),
        ]
        if outcome_fields:
            layout.append(
                Fieldset(
                    *outcome_fields,
                    legend="For each area of need: is the victim better able to cope?",
                    legend_size=Size.MEDIUM,
                )
            )
        layout.append(Field.textarea("notes", rows=3))
        self.helper = _helper(*layout, submit="Close the case")

    def outcomes(self) -> dict[str, str]:
        return {area: self.cleaned_data[f"outcome_{area}"] for area, _ in self.areas}


class SurveyForm(forms.Form):
    answered = forms.ChoiceField(
        label="Did the victim answer the survey?",
        choices=[("yes", "Yes, they answered"), ("declined", "No, they declined to answer")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the victim answered"},
    )
    treated_with_respect = forms.TypedChoiceField(
        label="How far did they feel treated with respect? (1 not at all, 5 completely)",
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    helped_to_cope = forms.ChoiceField(
        label="Did the support help them cope and recover?",
        choices=HelpedToCope.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    would_recommend = forms.ChoiceField(
        label="Would they recommend the hub to someone in their position?",
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(label="Their comments", required=False, max_length=4000,
                               widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("answered", legend_size=Size.SMALL, small=True),
            Field.radios("treated_with_respect", legend_size=Size.SMALL, inline=True,
                         small=True),
            Field.radios("helped_to_cope", legend_size=Size.SMALL, inline=True, small=True),
            Field.radios("would_recommend", legend_size=Size.SMALL, inline=True, small=True),
            Field.textarea("comments", rows=3),
            submit="Record the answers",
        )

    def answers(self) -> dict:
        d = self.cleaned_data
        recommend = d.get("would_recommend")
        return {
            "declined": d["answered"] == "declined",
            "treated_with_respect": d.get("treated_with_respect"),
            "helped_to_cope": d.get("helped_to_cope") or "",
            "would_recommend": None if not recommend else recommend == "yes",
            "comments": d.get("comments", ""),
        }
