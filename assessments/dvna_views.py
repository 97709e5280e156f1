"""DVNA pages: record one (or a reassessment), read one, correct one.

The rules live in assessments.dvna_services; these views scope the case to the user
(casework_for, 404 otherwise), log each read of the victim's record and call the services.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView, TemplateView

from assessments import dvna_services as services
from assessments.dvna_forms import DvnaForm
from assessments.models import ConsentToShare, Dvna, NeedArea, RecoveryPlan
from audit.case_views import CaseWorkMixin
from cases.workflow import PLAN_AGREED_FROM
from core.errors import DomainError
from core.forms import add_error_to_form

AREA_ORDER = {area: index for index, area in enumerate(NeedArea.values)}


class DvnaPageMixin(CaseWorkMixin):
    def ivna_context(self) -> dict:
        """What the IVNA and the person's record already hold, shown read-only at the top so
        the victim does not tell their story twice."""
        return {
            "ivna": getattr(self.case, "ivna", None),
            "crime": self.case.crime,
        }

    def refuse_unless_assessable(self):
        try:
            services.check_can_assess(self.case)
        except DomainError as error:
            messages.error(self.request, error.message)
            return self.back_to_case()
        return None

    def show_errors(self, form, error: DomainError):
        add_error_to_form(form, error)
        return self.form_invalid(form)


class DvnaCreateView(DvnaPageMixin, FormView):
    """Record the DVNA in one sitting; a second one is a reassessment, filled in from the
    last."""

    template_name = "assessments/dvna_form.html"
    form_class = DvnaForm

    def get(self, request, *args, **kwargs):
        return self.refuse_unless_assessable() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refuse_unless_assessable() or super().post(request, *args, **kwargs)

    def get_initial(self):
        return services.dvna_prefill(self.case)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.log_read("record a DVNA")
        previous = (
            Dvna.objects.filter(case=self.case).select_related("assessed_by")
            .order_by("-number").first()
        )
        context.update(
            self.ivna_context(),
            previous=previous,
            number=(previous.number + 1) if previous else 1,
            editing=False,
        )
        return context

    def form_valid(self, form):
        try:
            dvna = services.record_dvna(
                case=self.case, answers=form.to_answers(), by=self.request.user
            )
        except DomainError as error:
            return self.show_errors(form, error)
        suggestion = services.escalation_suggestion(self.case, dvna)
        if suggestion:
            # The VCC decides on the case page: escalate, or go on to the plan.
            messages.warning(
                self.request,
                f"DVNA {dvna.number} has been saved. {suggestion} Consider escalating the "
                "case to MASH / Public Protection.",
            )
            return self.back_to_case()
        if self.case.status in PLAN_AGREED_FROM and not RecoveryPlan.objects.filter(
            case=self.case, episode=dvna.episode
        ).exists():
            messages.success(self.request, "The DVNA has been saved. Now agree the recovery plan.")
            return redirect("support:plan_new", case_pk=self.case.pk)
        messages.success(self.request, f"DVNA {dvna.number} has been saved.")
        return self.back_to_case()


class DvnaDetailView(DvnaPageMixin, TemplateView):
    template_name = "assessments/dvna_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dvna = get_object_or_404(
            Dvna.objects.select_related("assessed_by").prefetch_related("needs"),
            case=self.case,
            number=kwargs["number"],
        )
        self.log_read(f"DVNA {dvna.number}")
        context.update(
            self.ivna_context(),
            dvna=dvna,
            needs=sorted(dvna.needs.all(), key=lambda n: AREA_ORDER.get(n.area, 99)),
            risks=[(label, getattr(dvna, f"get_{name}_display")()) for name, label in
                   services.RISKS],
            consents=ConsentToShare.objects.filter(case=self.case)
            .select_related("service", "recorded_by").order_by("service__name"),
            can_correct=services.can_correct(dvna, self.case),
        )
        return context


class DvnaEditView(DvnaPageMixin, FormView):
    """Correct a recorded DVNA. The form carries the version it was opened at: a save over
    someone else's newer save is refused (optimistic locking)."""

    template_name = "assessments/dvna_form.html"
    form_class = DvnaForm

    def get_dvna(self) -> Dvna:
        if not hasattr(self, "_dvna"):
            self._dvna = get_object_or_404(
                Dvna.objects.prefetch_related("needs"), case=self.case, number=self.kwargs["number"]
            )
        return self._dvna

    def refuse_unless_assessable(self):
        try:
            services.check_can_correct(self.get_dvna(), self.case)
        except DomainError as error:
            messages.error(self.request, error.message)
            return self.back_to_case()
        return None

    def get(self, request, *args, **kwargs):
        return self.refuse_unless_assessable() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refuse_unless_assessable() or super().post(request, *args, **kwargs)

    def get_initial(self):
        return services.dvna_initial(self.get_dvna())

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(editing=True)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dvna = self.get_dvna()
        self.log_read(f"correct DVNA {dvna.number}")
        context.update(self.ivna_context(), dvna=dvna, number=dvna.number, editing=True)
        return context

    def form_valid(self, form):
        try:
            dvna = services.update_dvna(
                dvna=self.get_dvna(),
                version=form.cleaned_data["version"],
                answers=form.to_answers(),
                by=self.request.user,
            )
        except DomainError as error:
            return self.show_errors(form, error)
        suggestion = services.escalation_suggestion(self.case, dvna)
        if suggestion and dvna.number == getattr(services.latest_dvna(self.case), "number", None):
            messages.warning(self.request, f"DVNA {dvna.number} has been corrected. {suggestion} "
                             "Consider escalating the case to MASH / Public Protection.")
            return self.back_to_case()
        messages.success(self.request, f"DVNA {dvna.number} has been corrected.")
        return redirect("dvna:detail", case_pk=self.case.pk, number=dvna.number)
