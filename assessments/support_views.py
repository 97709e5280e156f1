"""Support pages on a case: the recovery plan and its actions, reviews, closure, the survey.

Each view needs casework permissions, finds the case through casework_for (404 otherwise),
logs the read of the victim's record, and leaves every rule and write to
assessments.support_services.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from assessments import support_selectors as selectors
from assessments import support_services as services
from assessments.episodes import current_episode
from assessments.models import PlanAction, RecoveryPlan
from assessments.support_forms import (
    ActionForm,
    ActionFormSet,
    AgreePlanForm,
    CloseForm,
    ReviewDateForm,
    ReviewForm,
    SurveyForm,
)
from audit.case_views import CaseWorkMixin
from core.errors import DomainError
from core.forms import add_error_to_form


class SupportMixin(CaseWorkMixin):
    def show_errors(self, form, error: DomainError):
        add_error_to_form(form, error)
        return self.form_invalid(form)

    @property
    def episode(self) -> int:
        """The case's current support episode (assessments.episodes)."""
        if not hasattr(self, "_episode"):
            self._episode = current_episode(self.case)
        return self._episode

    def get_plan(self) -> RecoveryPlan:
        """The current episode's plan: an earlier episode's is a record, read on the case
        page."""
        if not hasattr(self, "_plan"):
            self._plan = get_object_or_404(RecoveryPlan, case=self.case, episode=self.episode)
        return self._plan

    def current_dvnas(self):
        return selectors.dvnas_with_needs(self.case, episode=self.episode)

    # A service check that says whether this page's step can be taken on the case now.
    check = None

    def refused(self):
        if self.check is None:
            return None
        try:
            self.check(self.case)
        except DomainError as error:
            messages.error(self.request, error.message)
            return self.back_to_case()
        return None

    def get(self, request, *args, **kwargs):
        return self.refused() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refused() or super().post(request, *args, **kwargs)


# -- The plan ------------------------------------------------------------------------------


class PlanView(SupportMixin, TemplateView):
    """The agreed plan: its actions, the needs they address and any need left uncovered."""

    template_name = "support/plan.html"
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = get_object_or_404(RecoveryPlan.objects.select_related("agreed_by"),
                                 case=self.case, episode=self.episode)
        self.log_read("recovery plan")
        dvnas = self.current_dvnas()
        actions = selectors.plan_actions(plan)
        latest = dvnas[-1] if dvnas else None
        context.update(
            plan=plan,
            actions=actions,
            latest_dvna=latest,
            uncovered=selectors.uncovered_needs(latest, actions),
            can_change=services.can_change_plan(self.case),
        )
        return context


class AgreePlanView(SupportMixin, TemplateView):
    """Agree the recovery plan after the DVNA: its actions and the first review date."""

    template_name = "support/plan_new.html"
    check = staticmethod(services.check_can_agree)

    def refused(self):
        if RecoveryPlan.objects.filter(case=self.case, episode=self.episode).exists():
            return redirect("support:plan", case_pk=self.case.pk)
        return super().refused()

    def forms(self, data=None):
        form = AgreePlanForm(data)
        formset = ActionFormSet(
            data, prefix="actions", form_kwargs={"owner_initial": self.request.user.pk}
        )
        return form, formset

    def get(self, request, *args, **kwargs):
        refused = self.refused()
        if refused:
            return refused
        form, formset = self.forms()
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def post(self, request, *args, **kwargs):
        refused = self.refused()
        if refused:
            return refused
        form, formset = self.forms(request.POST)
        date_ok = form.is_valid()
        if formset.is_valid():
            # Asked of the service even when the date is missing, so that every problem
            # with the actions shows at once (without a date it saves nothing).
            used = [f for f in formset.forms if f.has_changed()]
            try:
                services.agree_plan(
                    case=self.case,
                    actions=[f.to_details() for f in used],
                    next_review_on=form.cleaned_data["next_review_on"] if date_ok else None,
                    by=request.user,
                )
            except DomainError as error:
                # The service numbers the actions as given (the forms filled in); a date
                # the form refused keeps the form's own message.
                add_error_to_form(
                    form, error, subforms={f"actions.{i}": f for i, f in enumerate(used)}
                )
            else:
                messages.success(
                    request, "The recovery plan has been agreed and the first review scheduled."
                )
                return self.back_to_case()
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.log_read("agree the recovery plan")
        dvnas = self.current_dvnas()
        latest = dvnas[-1] if dvnas else None
        formset = context["formset"]
        context.update(
            latest_dvna=latest,
            significant=[n for n in (latest.need_list if latest else [])
                         if n is not None and n.significant],
            error_forms=[context["form"], *formset.forms],
            has_errors=bool(
                context["form"].errors or formset.non_form_errors()
                or any(f.errors for f in formset.forms)
            ),
        )
        return context


class PlanDateView(SupportMixin, FormView):
    """Move the next review of the plan."""

    check = staticmethod(services.check_can_change_plan)

    template_name = "support/plan_date.html"
    form_class = ReviewDateForm

    def get_initial(self):
        plan = self.get_plan()
        return {"next_review_on": plan.next_review_on, "version": plan.version}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.log_read("change the review date")
        context["plan"] = self.get_plan()
        return context

    def form_valid(self, form):
        try:
            services.change_review_date(
                plan=self.get_plan(),
                version=form.cleaned_data["version"],
                next_review_on=form.cleaned_data["next_review_on"],
                by=self.request.user,
            )
        except DomainError as error:
            return self.show_errors(form, error)
        messages.success(self.request, "The review date has been changed.")
        return redirect("support:plan", case_pk=self.case.pk)


class ActionCreateView(SupportMixin, FormView):
    """Add an action to the agreed plan."""

    check = staticmethod(services.check_can_change_plan)

    template_name = "support/action_form.html"
    form_class = ActionForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(owner_initial=self.request.user.pk, submit="Add the action")
        return kwargs

    def get_initial(self):
        return {"version": self.get_plan().version}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.log_read("add an action to the plan")
        context.update(plan=self.get_plan(), action=None)
        return context

    def form_valid(self, form):
        try:
            services.add_action(
                plan=self.get_plan(),
                version=form.cleaned_data["version"],
                details=form.to_details(),
                by=self.request.user,
            )
        except DomainError as error:
            return self.show_errors(form, error)
        messages.success(self.request, "The action has been added to the plan.")
        return redirect("support:plan", case_pk=self.case.pk)


class ActionEditView(SupportMixin, FormView):
    """Change an action: most often its status."""

    check = staticmethod(services.check_can_change_plan)

    template_name = "support/action_form.html"
    form_class = ActionForm

    def get_action(self) -> PlanAction:
        if not hasattr(self, "_action"):
            self._action = get_object_or_404(
                PlanAction.objects.select_related("plan", "plan__case"),
                pk=self.kwargs["action_pk"],
                plan__case=self.case,
            )
        return self._action

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["submit"] = "Save the action"
        return kwargs

    def get_initial(self):
        action = self.get_action()
        return {
            "kind": action.kind,
            "description": action.description,
            "need_areas": action.need_areas,
            "owner": action.owner_id,
            "service": action.service_id,
            "review_on": action.review_on,
            "status": action.status,
            "version": action.plan.version,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.log_read("change an action")
        action = self.get_action()
        context.update(plan=action.plan, action=action)
        return context

    def form_valid(self, form):
        try:
            services.update_action(
                action=self.get_action(),
                version=form.cleaned_data["version"],
                details=form.to_details(),
                by=self.request.user,
            )
        except DomainError as error:
            return self.show_errors(form, error)
        messages.success(self.request, "The action has been saved.")
        return redirect("support:plan", case_pk=self.case.pk)


# -- Reviews -------------------------------------------------------------------------------


class ReviewCreateView(SupportMixin, FormView):
    """Record a follow-up review (usually when one falls due on "My work")."""

    template_name = "support/review_form.html"
    form_class = ReviewForm
    check = staticmethod(services.check_can_review)

    def get_actions(self):
        if not hasattr(self, "_actions"):
            self._actions = selectors.plan_actions(self.get_plan())
        return self._actions

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["actions"] = self.get_actions()
        return kwargs

    def get_initial(self):
        return {"version": self.get_plan().version}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.log_read("record a review")
        dvnas = self.current_dvnas()
        latest = dvnas[-1] if dvnas else None
        context.update(
            plan=self.get_plan(),
            latest_dvna=latest,
            uncovered=selectors.uncovered_needs(latest, self.get_actions()),
        )
        return context

    def form_valid(self, form):
        try:
            review = services.record_review(
                case=self.case,
                version=form.cleaned_data["version"],
                wellbeing=form.cleaned_data["wellbeing"],
                notes=form.cleaned_data["notes"],
                action_statuses=form.action_statuses(),
                next_review_on=form.cleaned_data["next_review_on"],
                reassessment_needed=form.cleaned_data["reassessment_needed"] == "yes",
                by=self.request.user,
            )
        except DomainError as error:
            return self.show_errors(form, error)
        if review.reassessment_needed:
            messages.success(
                self.request,
                "The review has been recorded. Now reassess the victim's needs: the last "
                "DVNA's answers are filled in.",
            )
            return redirect("dvna:new", case_pk=self.case.pk)
        messages.success(self.request, "The review has been recorded.")
        return self.back_to_case()


# -- Closure and the survey ----------------------------------------------------------------


class CloseView(SupportMixin, FormView):
    """Close the case: why, and per area of need whether the victim is better able to
    cope."""

    template_name = "support/close.html"
    form_class = CloseForm
    check = staticmethod(services.check_can_close)

    def get_areas(self):
        if not hasattr(self, "_areas"):
            self._areas = services.outcome_areas(self.case)
        return self._areas

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["areas"] = self.get_areas()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.log_read("close the case")
        context["open_actions"] = selectors.open_actions(self.case, self.episode)
        return context

    def form_valid(self, form):
        try:
            closure = services.close_case(
                case=self.case,
                reason=form.cleaned_data["reason"],
                reason_detail=form.cleaned_data["reason_detail"],
                notes=form.cleaned_data["notes"],
                outcomes=form.outcomes(),
                by=self.request.user,
            )
        except DomainError as error:
            return self.show_errors(form, error)
        survey = closure.reason not in services.NO_SURVEY_REASONS
        messages.success(
            self.request,
            "The case has been closed."
            + (" The satisfaction survey is due in 14 days on My work." if survey else ""),
        )
        return self.back_to_case()


class SurveyView(SupportMixin, FormView):
    """Record the satisfaction survey answers, or that the victim declined."""

    template_name = "support/survey.html"
    form_class = SurveyForm
    check = staticmethod(services.check_can_record_survey)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.log_read("record the survey answers")
        return context

    def form_valid(self, form):
        try:
            services.record_survey(case=self.case, by=self.request.user, **form.answers())
        except DomainError as error:
            return self.show_errors(form, error)
        messages.success(self.request, "The survey answers have been recorded.")
        return redirect(reverse("cases:detail", args=[self.case.pk]))
