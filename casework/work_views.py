"""'My work' for a VCC and the team's load for a hub manager."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView, View

from accounts.models import User
from audit.models import AccessAction
from audit.services import record_access
from cases.services import reallocate_open_cases
from casework import work_selectors as selectors
from complaints.selectors import overdue_complaints
from contact.invariant import latest_stall_check
from contact.letter_checks import approve_letters
from contact.selectors import cases_a_manager_decides, stalled_in
from core.errors import DomainError
from rights.selectors import overdue_rights


class MyWorkView(PermissionRequiredMixin, TemplateView):
    """What is due and overdue, oldest first: my cases, then the unallocated queue, then
    the letters waiting for a check: those to victims at risk one by one (issue 12), the
    ordinary postal ones to approve together."""

    permission_required = ("cases.view_casework", "cases.work_case")
    template_name = "scheduling/my_work.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        items = list(selectors.work_due(user)[:500])
        mine = [i for i in items if i.case.allocated_to_id == user.pk]
        queue = [i for i in items if i.case.allocated_to_id is None]
        to_check, letters = selectors.letters_to_check(user)
        rights = list(overdue_rights(user)[:200])
        shown = mine + queue
        case_ids = [i.case_id for i in shown] + [
            letter.case_id for letter in to_check + letters
        ] + [row.case_id for row in rights]
        if case_ids:
            record_access(
                request=self.request,
                action=AccessAction.LIST,
                case_ids=case_ids,
                person_ids=[i.case.person_id for i in shown]
                + [letter.case.person_id for letter in to_check + letters]
                + [row.case.person_id for row in rights],
                detail="my work",
            )
        context.update(
            mine=mine,
            queue=queue,
            letters=letters,
            to_check=to_check,
            letters_count=len(letters) + len(to_check),
            rights_overdue=rights,
            overdue_count=sum(1 for i in shown if i.overdue),
        )
        return context


class ApproveLettersView(PermissionRequiredMixin, View):
    permission_required = ("cases.view_casework", "cases.work_case")
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        ids = [int(i) for i in request.POST.getlist("letter") if i.isdigit()]
        letters = selectors.letters_to_approve(request.user).filter(pk__in=ids)
        try:
            count = approve_letters(letters=list(letters), by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("scheduling:my_work")
        if count:
            messages.success(
                request, f"{count} letter{'s' if count != 1 else ''} approved for the post room."
            )
        else:
            messages.error(request, "Select the letters you have checked.")
        return redirect("scheduling:my_work")


class TeamView(PermissionRequiredMixin, TemplateView):
    """For managers: each VCC's load, overdue work, and cover for absence."""

    permission_required = ("cases.view_casework", "cases.allocate_case")
    template_name = "scheduling/team.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        team = list(selectors.team_load())
        unreachable = cases_a_manager_decides(self.request.user)
        if unreachable:
            record_access(
                request=self.request,
                action=AccessAction.LIST,
                case_ids=[d.case.pk for d in unreachable],
                person_ids=[d.case.person_id for d in unreachable],
                detail="team page: victims the hub cannot reach",
            )
        complaints = list(overdue_complaints())
        if any(c.case_id for c in complaints):
            record_access(
                request=self.request,
                action=AccessAction.LIST,
                case_ids=[c.case_id for c in complaints if c.case_id],
                person_ids=[c.case.person_id for c in complaints if c.case_id],
                detail="team page: overdue complaints",
            )
        check = latest_stall_check()
        stalled = stalled_in(check, self.request.user)
        context.update(
            team=team,
            unreachable=unreachable,
            stall_check=check,
            stalled=stalled,
            unallocated=selectors.unallocated_load(),
            victims_code_overdue=selectors.victims_code_overdue(),
            overdue_complaints=complaints,
        )
        return context


class ReallocateView(PermissionRequiredMixin, View):
    permission_required = ("cases.view_casework", "cases.allocate_case")
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        from_id, to_id = request.POST.get("from_user", ""), request.POST.get("to_user", "")
        # An id that is not a number names nobody: 404, as an unknown one does.
        from_user = get_object_or_404(User, pk=from_id if from_id.isdigit() else 0)
        to_user = get_object_or_404(User, pk=to_id if to_id.isdigit() else 0) if to_id else None
        try:
            moved = reallocate_open_cases(from_user=from_user, to_user=to_user, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            target = str(to_user) if to_user else "the unallocated queue"
            messages.success(request, f"{moved} open cases moved from {from_user} to {target}.")
        return redirect("scheduling:team")
