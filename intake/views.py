from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView, TemplateView, View

from audit.case_views import CaseWorkMixin
from audit.models import AccessAction
from audit.services import record_access
from core.errors import DomainError
from core.forms import add_error_to_form
from intake import transfers
from intake.amendments import decide_change
from intake.forms import IvnaForm
from intake.models import ProposedChange, SubmittedVia, TransferVia
from intake.selectors import ivnas_submitted_by, page_of_ivnas, submissions_newest_first
from intake.services import record_ivna
from intake.transfer_forms import TransferInForm
from intake.triage import rule_description


class IvnaCreateView(PermissionRequiredMixin, FormView):
    permission_required = "intake.submit_ivna"
    template_name = "intake/ivna_form.html"
    form_class = IvnaForm

    def form_valid(self, form):
        try:
            result = record_ivna(
                submission=form.to_submission(), by=self.request.user, via=SubmittedVia.WEB
            )
        except DomainError as error:
            add_error_to_form(form, error, names=form.SERVICE_ERROR_FIELDS)
            return self.form_invalid(form)
        if result.amended:
            messages.success(
                self.request,
                f"This crime and victim were already with the hub: your changes were added to "
                f"the existing case {result.case.reference} as a new version of the IVNA.",
            )
        elif not result.created:
            messages.info(
                self.request,
                f"This IVNA was already with the hub, with the same answers: case "
                f"{result.case.reference}. Nothing was changed.",
            )
        return redirect("intake:submitted", case_id=result.case.pk)


class IvnaSubmittedView(PermissionRequiredMixin, TemplateView):
    """The officer's confirmation: the route taken and the case reference."""

    permission_required = "intake.submit_ivna"
    template_name = "intake/ivna_submitted.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ivna = get_object_or_404(ivnas_submitted_by(self.request.user), case_id=kwargs["case_id"])
        record_access(
            request=self.request,
            action=AccessAction.VIEW,
            case_ids=[ivna.case_id],
            person_ids=[ivna.case.person_id],
            detail="IVNA confirmation",
        )
        context.update(
            ivna=ivna,
            case=ivna.case,
            version=ivna.case.ivna_versions.order_by("-number").first(),
            rule=rule_description(ivna.triage_rules[0]) if ivna.triage_rules else "",
        )
        return context


class MySubmissionsView(PermissionRequiredMixin, TemplateView):
    """Police staff see what they submitted, never the hub's casework."""

    permission_required = "intake.submit_ivna"
    template_name = "intake/my_submissions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(submissions_newest_first(self.request.user), 25).get_page(
            self.request.GET.get("page")
        )
        ivnas = page_of_ivnas(page.object_list)
        if ivnas:
            record_access(
                request=self.request,
                action=AccessAction.LIST,
                case_ids=[i.case_id for i in ivnas],
                person_ids=[i.case.person_id for i in ivnas],
                detail=f"own IVNA submissions, page {page.number}",
            )
        context.update(page=page, ivnas=ivnas)
        return context


class TransferInView(PermissionRequiredMixin, FormView):
    """A hub manager records a victim transferred in by another force, Action Fraud or
    British Transport Police: a case opens for hub contact."""

    permission_required = ("cases.view_casework", "cases.work_case", "cases.allocate_case")
    template_name = "intake/transfer_in.html"
    form_class = TransferInForm

    def form_valid(self, form):
        try:
            result = transfers.record_transfer_in(
                details=form.to_details(), by=self.request.user, via=TransferVia.WEB
            )
        except DomainError as error:
            add_error_to_form(form, error, names=form.SERVICE_ERROR_FIELDS)
            return self.form_invalid(form)
        if result.created:
            messages.success(
                self.request,
                f"Transfer recorded: case {result.case.reference} is open for hub contact.",
            )
        else:
            messages.success(
                self.request,
                f"This transfer was already recorded: case {result.case.reference}.",
            )
        return redirect("cases:detail", case_pk=result.case.pk)


class DecideChangeForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("reject", "Reject")],
        error_messages={
            "required": "Choose Accept or Reject",
            "invalid_choice": "Choose Accept or Reject",
        },
    )
    reason = forms.CharField(label="Reason", max_length=1000, required=False)


class DecideChangeView(CaseWorkMixin, View):
    """A VCC accepts or rejects one change the police sent (intake.amendments)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        change = get_object_or_404(ProposedChange, pk=kwargs["change_pk"], case=self.case)
        form = DecideChangeForm(request.POST)
        if not form.is_valid():
            problems = " ".join(str(e) for errors in form.errors.values() for e in errors)
            messages.error(request, f"{change.label}: {problems}")
            return self.back_to_case()
        decision = form.cleaned_data["decision"]
        try:
            decide_change(
                change=change, accept=decision == "accept", by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            messages.error(request, f"{change.label}: {error.message}")
        else:
            messages.success(
                request, f"{change.label}: the change from the police was {decision}ed."
            )
        return self.back_to_case()
