"""The complaints log's pages: any casework user records a complaint; hub managers see the
log, acknowledge and answer. Every page that shows complaints leaves an access-log row."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import TemplateView

from accounts.roles import MANAGER_PERMISSION, is_manager
from audit.models import AccessAction
from audit.selectors import casework_for
from audit.services import record_access
from complaints import selectors, services
from complaints.forms import AnswerComplaintForm, RecordComplaintForm
from complaints.models import Complaint
from core.errors import DomainError
from core.forms import add_error_to_form


def _log_read(request, complaints: list[Complaint], detail: str) -> None:
    cases = [c.case for c in complaints if c.case_id]
    record_access(
        request=request,
        action=AccessAction.LIST if len(complaints) != 1 else AccessAction.VIEW,
        case_ids=[c.pk for c in cases],
        person_ids=[c.person_id for c in cases],
        detail=detail,
    )


class ComplaintListView(PermissionRequiredMixin, TemplateView):
    permission_required = MANAGER_PERMISSION
    template_name = "complaints/list.html"

    def get_context_data(self, **kwargs):
        complaints = list(selectors.complaints_log()[:500])
        _log_read(self.request, complaints, "complaints log")
        return {
            **super().get_context_data(**kwargs),
            "open": [c for c in complaints if c.answered_at is None],
            "answered": [c for c in complaints if c.answered_at is not None],
        }


class RecordComplaintView(PermissionRequiredMixin, View):
    permission_required = ("cases.view_casework", "cases.work_case")
    template_name = "complaints/record.html"

    def case(self, request):
        raw = request.GET.get("case", "")
        if not raw:
            return None
        if not raw.isdigit():
            raise Http404
        return get_object_or_404(casework_for(request.user), pk=int(raw))

    def page(self, request, form, status=200):
        return render(request, self.template_name, {"form": form, "case": form.case},
                      status=status)

    def get(self, request, *args, **kwargs):
        return self.page(request, RecordComplaintForm(case=self.case(request)))

    def post(self, request, *args, **kwargs):
        case = self.case(request)
        form = RecordComplaintForm(request.POST, case=case)
        if not form.is_valid():
            return self.page(request, form, status=400)
        data = form.cleaned_data
        try:
            complaint = services.record_complaint(
                by=request.user, received_at=form.received_at(), how=data["how"],
                from_whom=data["from_whom"], summary=data["summary"],
                about_right=data["about_right"], about_service=data["about_service"],
                complainant_name=data["complainant_name"],
                complainant_contact=data["complainant_contact"], case=case,
            )
        except DomainError as error:
            add_error_to_form(form, error, names={"received_at": "received_on"})
            return self.page(request, form, status=400)
        if is_manager(request.user):
            messages.success(request, "The complaint is recorded.")
            return redirect("complaints:detail", complaint.pk)
        messages.success(
            request, "The complaint is recorded. A hub manager will acknowledge and answer it."
        )
        if case is not None:
            return redirect("cases:detail", case.pk)
        return redirect("scheduling:my_work")


class _ComplaintView(PermissionRequiredMixin, View):
    permission_required = MANAGER_PERMISSION
    template_name = "complaints/detail.html"

    def complaint(self) -> Complaint:
        return get_object_or_404(
            selectors.with_overdue(Complaint.objects.select_related(
                "case", "recorded_by", "handled_by")),
            pk=self.kwargs["pk"],
        )

    def page(self, request, complaint, answer_form=None, refusal="", status=200):
        _log_read(request, [complaint], "a complaint")
        context = {
            "complaint": complaint,
            "answer_form": answer_form or AnswerComplaintForm(),
            "refusal": refusal,
        }
        return render(request, self.template_name, context, status=status)


class ComplaintDetailView(_ComplaintView):
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        return self.page(request, self.complaint())


class AcknowledgeView(_ComplaintView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        complaint = self.complaint()
        try:
            services.acknowledge_complaint(complaint=complaint, by=request.user)
        except DomainError as error:
            return self.page(request, complaint, refusal=error.message, status=400)
        messages.success(request, "The complaint is recorded as acknowledged today.")
        return redirect("complaints:detail", complaint.pk)


class AnswerView(_ComplaintView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        complaint = self.complaint()
        form = AnswerComplaintForm(request.POST)
        if form.is_valid():
            try:
                services.answer_complaint(
                    complaint=complaint, by=request.user, outcome=form.cleaned_data["outcome"],
                    learning=form.cleaned_data["learning"],
                )
            except DomainError as error:
                add_error_to_form(form, error)
            else:
                messages.success(request, "The answer is recorded.")
                return redirect("complaints:detail", complaint.pk)
        return self.page(request, complaint, answer_form=form, status=400)
