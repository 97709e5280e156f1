"""The moves a VCC or manager makes on a case with a reason (contact.lifecycle): escalate to
MASH / Public Protection, step down to the hub, found supported elsewhere, close."""

from __future__ import annotations

from django.contrib import messages
from django.views.generic import FormView

from audit.case_views import CaseWorkMixin
from contact import lifecycle
from contact.forms import CaseMoveForm
from core.errors import DomainError
from core.forms import add_error_to_form


class CaseMoveView(CaseWorkMixin, FormView):
    """One form page for a move: the heading and button say what it does; the service
    decides whether it may be made."""

    template_name = "contact/case_move.html"
    form_class = CaseMoveForm
    heading = ""
    submit = ""
    service_label = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(submit=self.submit, service_label=self.service_label)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.log_read(self.heading.lower())
        context["heading"] = self.heading
        return context

    def move(self, form) -> lifecycle.CaseMoved:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            moved = self.move(form)
        except DomainError as error:
            add_error_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, moved.summary)
        return self.back_to_case()


class EscalateView(CaseMoveView):
    heading = "Escalate to MASH / Public Protection"
    submit = "Escalate"

    def get_initial(self):
        """A reason suggested by the page that offered escalation (a DVNA rating a risk as
        high), for the VCC to keep, change or replace: nothing is escalated until they
        submit."""
        return {"reason": self.request.GET.get("reason", "")[:1000]}

    def move(self, form):
        return lifecycle.escalate_to_high_risk(
            case=self.case, by=self.request.user, reason=form.cleaned_data["reason"]
        )


class StepDownView(CaseMoveView):
    heading = "Step down to the hub"
    submit = "Step down"

    def move(self, form):
        return lifecycle.step_down_to_hub(
            case=self.case, by=self.request.user, reason=form.cleaned_data["reason"]
        )


class SupportedElsewhereView(CaseMoveView):
    heading = "Supported by another service"
    submit = "Record supported elsewhere"
    service_label = "Which service is supporting the victim?"

    def move(self, form):
        return lifecycle.record_supported_elsewhere(
            case=self.case, by=self.request.user, service=form.cleaned_data["service"],
            reason=form.cleaned_data["reason"],
        )


class CloseUnsupportedView(CaseMoveView):
    heading = "Close the case"
    submit = "Close the case"

    def move(self, form):
        return lifecycle.close_unsupported_case(
            case=self.case, by=self.request.user, reason=form.cleaned_data["reason"]
        )
