"""A hub manager deactivates a member of staff (Team members): a confirmation page listing
the open cases that go back to the unallocated queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from accounts.models import User
from accounts.roles import MANAGER_PERMISSION
from casework.team import deactivate_staff, open_allocated_cases
from core.errors import DomainError


class DeactivateView(PermissionRequiredMixin, View):
    permission_required = MANAGER_PERMISSION
    template_name = "accounts/team_member_deactivate.html"

    def member(self) -> User:
        return get_object_or_404(User.objects.filter(is_api_client=False), pk=self.kwargs["pk"])

    def page(self, request, member: User, refusal: str = "", status: int = 200):
        context = {"member": member, "cases": open_allocated_cases(member), "refusal": refusal}
        return render(request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        return self.page(request, self.member())

    def post(self, request, *args, **kwargs):
        member = self.member()
        try:
            moved = deactivate_staff(user=member, by=request.user)
        except DomainError as error:
            return self.page(request, member, error.message, status=400)
        messages.success(
            request,
            f"{member} is deactivated and signed out; {len(moved)} open case(s) went back to "
            "the unallocated queue",
        )
        return redirect("team:member", member.pk)
