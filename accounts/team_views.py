"""Hub managers' "Team members" pages: who is on the team, with their second factor, and the
enrolment link and authenticator reset (issue 13). Only hub managers (accounts.manage_hub)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import TemplateView
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import enrolment, staff
from accounts.models import User
from accounts.roles import MANAGER_PERMISSION, Role, group_name, role_of
from accounts.team_forms import NewStaffForm, StaffForm
from core.errors import DomainError
from core.forms import add_error_to_form


def staff_members():
    """Everyone who signs in to the hub: not the API clients' service accounts."""
    enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return (
        User.objects.filter(is_api_client=False)
        .annotate(enrolled=Exists(enrolled))
        .prefetch_related("groups")
        .order_by("last_name", "first_name", "username")
    )


class _ManagerView(PermissionRequiredMixin):
    permission_required = MANAGER_PERMISSION


class TeamMembersView(_ManagerView, TemplateView):
    template_name = "accounts/team_members.html"

    def get_context_data(self, **kwargs):
        members = list(staff_members())
        roles = {group_name(role): label for role, label in Role.choices}
        for member in members:  # from the prefetched groups: no query per member
            member.role_name = next(
                (roles[g.name] for g in member.groups.all() if g.name in roles), ""
            )
        return {**super().get_context_data(**kwargs), "members": members}


class _MemberActionView(_ManagerView, View):
    """GET: what will happen, with a button; POST: do it and show the link once."""

    template_name = "accounts/team_member_action.html"
    action = ""

    def member(self) -> User:
        return get_object_or_404(User.objects.filter(is_api_client=False), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, {"member": self.member(), "action": self.action})

    def post(self, request, *args, **kwargs):
        member = self.member()
        try:
            path = self.act(member)
        except DomainError as error:
            context = {"member": member, "action": self.action, "refusal": error.message}
            return render(request, self.template_name, context, status=400)
        context = {
            "member": member,
            "action": self.action,
            "link": request.build_absolute_uri(path),
            "hours": enrolment.link_hours(),
            "emailed": bool(member.email),
        }
        return render(request, "accounts/enrolment_link.html", context)

    def act(self, member: User) -> str:
        raise NotImplementedError


class IssueEnrolmentLinkView(_MemberActionView):
    action = "link"

    def act(self, member: User) -> str:
        if enrolment.has_authenticator(member):
            raise DomainError(
                f"{member} has an authenticator app already: reset it to send them through "
                "enrolment again"
            )
        return enrolment.issue_link(
            user=member, by=self.request.user, base_url=self.request.build_absolute_uri("/")[:-1]
        )


class ResetAuthenticatorView(_MemberActionView):
    action = "reset"

    def act(self, member: User) -> str:
        return enrolment.reset_authenticator(
            user=member, by=self.request.user, base_url=self.request.build_absolute_uri("/")[:-1]
        )


class NewStaffView(_ManagerView, View):
    """Create a staff member; then their one-off password and an enrolment link, shown once."""

    template_name = "accounts/team_member_new.html"

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, {"form": NewStaffForm()})

    def post(self, request, *args, **kwargs):
        form = NewStaffForm(request.POST)
        if form.is_valid():
            try:
                member, password = staff.create_staff(by=request.user, **form.cleaned_data)
            except DomainError as error:
                add_error_to_form(form, error)
            else:
                path = enrolment.issue_link(
                    user=member, by=request.user,
                    base_url=request.build_absolute_uri("/")[:-1],
                )
                context = {
                    "member": member, "action": "created", "password": password,
                    "link": request.build_absolute_uri(path),
                    "hours": enrolment.link_hours(), "emailed": bool(member.email),
                }
                return render(request, "accounts/enrolment_link.html", context)
        return render(request, self.template_name, {"form": form}, status=400)


class MemberView(_ManagerView, View):
    """One staff member: their details and role (a form), actions, and every change made."""

    template_name = "accounts/team_member.html"

    def member(self) -> User:
        return get_object_or_404(User.objects.filter(is_api_client=False), pk=self.kwargs["pk"])

    def context(self, member: User, form: StaffForm) -> dict:
        changes = member.staff_changes.select_related("changed_by")[:50]
        return {"member": member, "form": form, "changes": changes,
                "enrolled": enrolment.has_authenticator(member)}

    def get(self, request, *args, **kwargs):
        member = self.member()
        initial = {
            "first_name": member.first_name, "last_name": member.last_name,
            "email": member.email, "role": role_of(member), "districts": member.districts,
            "languages": ", ".join(member.languages), "specialisms": member.specialisms,
        }
        return render(request, self.template_name, self.context(member, StaffForm(initial=initial)))

    def post(self, request, *args, **kwargs):
        member = self.member()
        form = StaffForm(request.POST)
        if form.is_valid():
            try:
                staff.update_staff(user=member, by=request.user, **form.cleaned_data)
            except DomainError as error:
                add_error_to_form(form, error)
            else:
                messages.success(request, f"The account of {member} has been changed")
                return redirect("team:member", member.pk)
        return render(request, self.template_name, self.context(member, form), status=400)


class ReactivateView(_ManagerView, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        member = get_object_or_404(User.objects.filter(is_api_client=False), pk=kwargs["pk"])
        try:
            staff.reactivate(user=member, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{member} can sign in again")
        return redirect("team:member", member.pk)
