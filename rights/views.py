"""A VCC records the evidence for a right, or a step of the justice process, on a case
(issue 15). The rules are rights.services'; each page logs its read of the case."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.views.generic import FormView

from audit.case_views import CaseWorkMixin
from core.errors import DomainError
from core.forms import add_error_to_form
from rights import services
from rights.forms import EVIDENCE_FIELDS, EvidenceForm, JusticeEventForm
from rights.models import Entitlement
from rights.rules import RULES, rule_for

PANEL = "victims-code-rights"


class RecordRightView(CaseWorkMixin, FormView):
    template_name = "rights/record_right.html"
    form_class = EvidenceForm
    read_detail = "record a Victims' Code right"

    def load(self, **kwargs) -> None:
        if kwargs["right"] not in RULES:
            raise Http404("No such right")
        self.rule = rule_for(kwargs["right"])
        self.entitlement = Entitlement.objects.filter(
            case=self.case, right=kwargs["right"]
        ).first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(rule=self.rule, entitlement=self.entitlement)
        return context

    def form_valid(self, form):
        try:
            row = services.record_evidence(
                self.case,
                self.rule.right,
                status=form.cleaned_data["status"],
                at=form.at,
                how=form.cleaned_data["how"],
                reason=form.cleaned_data["reason"],
                by=self.request.user,
            )
        except DomainError as error:
            add_error_to_form(form, error, names=EVIDENCE_FIELDS)
            return self.form_invalid(form)
        messages.success(
            self.request, f"{self.rule.right.label.split(':')[0]} recorded: "
            f"{row.get_status_display().lower()}."
        )
        return self.back_to_case(anchor=PANEL)


class AddJusticeEventView(CaseWorkMixin, FormView):
    template_name = "rights/add_justice_event.html"
    form_class = JusticeEventForm
    read_detail = "add a step of the justice process"

    def form_valid(self, form):
        try:
            event, created = services.record_justice_event(
                self.case,
                form.cleaned_data["stage"],
                form.cleaned_data["occurred_on"],
                detail=form.cleaned_data["detail"],
                by=self.request.user,
            )
        except DomainError as error:
            add_error_to_form(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Added to the justice timeline: {event.get_stage_display()}."
            if created else f"Already on the justice timeline: {event.get_stage_display()}.",
        )
        return self.back_to_case(anchor=PANEL)
