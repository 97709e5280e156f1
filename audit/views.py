"""Restricted cases and the audit pages.

- The restricted notice: a VCC who opens, by its own URL, a restricted case they may not see
  is offered to "break the glass" with a reason (never from a list or search: there such a
  case does not exist for them).
- A manager's "Who may open this case" page: restrict or lift, name users, end grants.
- A manager's "Who looked at this person's records?" page.

Every page that shows something of a victim's records is logged (record_access).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.generic import TemplateView, View

from accounts.roles import hub_managers
from audit import selectors, services
from audit.case_views import CaseScopedMixin
from audit.forms import BreakGlassForm, NameUserForm, RestrictionForm, RevokeForm
from audit.models import BREAK_GLASS_HOURS, AccessAction, CaseAccessGrant
from audit.selectors import casework_for
from audit.services import record_access
from cases.models import Case, Person
from cases.selectors import caseworkers
from core.errors import DomainError
from core.forms import add_error_to_form

READS_PER_PAGE = 50


def restricted_notice(request, *, pk: int, form: BreakGlassForm | None = None) -> HttpResponse:
    """The answer to a casework user who opens a restricted case they may not see: "This
    record is restricted" and the break-glass form, with no reference, name or other detail
    (403: nothing of the record is shown). Anything else is the 404 it was.

    Only the case page itself calls this (casework.views.CaseDetailView), so the notice is
    reached only by the case's exact URL; lists, search and the person page leave the case
    out. Showing the notice is logged ("refused"), so managers see who tried.
    """
    case = Case.objects.filter(pk=pk, restricted=True).only("pk", "person_id", "restricted")
    case = case.first()
    if case is None or not services.may_break_glass(case=case, user=request.user):
        raise Http404("No such case")
    record_access(
        request=request,
        action=AccessAction.REFUSED,
        case_ids=[case.pk],
        person_ids=[case.person_id],
        detail="restricted notice shown",
    )
    context = {"form": form or BreakGlassForm(), "case_pk": case.pk, "hours": BREAK_GLASS_HOURS}
    return TemplateResponse(request, "audit/restricted.html", context, status=403)


class BreakGlassView(PermissionRequiredMixin, View):
    """Take a break-glass grant on a restricted case, with a reason."""

    permission_required = "cases.view_casework"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        case = get_object_or_404(Case.objects.only("pk", "restricted"), pk=kwargs["case_pk"])
        if casework_for(request.user).filter(pk=case.pk).exists():
            return redirect("cases:detail", case.pk)  # nothing to break: they may open it
        form = BreakGlassForm(request.POST)
        if not form.is_valid():
            return restricted_notice(request, pk=case.pk, form=form)
        try:
            grant = services.break_glass(
                request=request, case=case, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_error_to_form(form, error)
            return restricted_notice(request, pk=case.pk, form=form)
        messages.warning(
            request,
            f"You have opened a restricted record until "
            f"{timezone.localtime(grant.expires_at):%H:%M}. Your reason is recorded and the "
            "hub managers have been told.",
        )
        return redirect("cases:detail", case.pk)


class _ManagerCaseView(CaseScopedMixin):
    """Managers only: who may open a case."""

    permission_required = ("cases.view_casework", "cases.allocate_case")
    case_related = ("person", "allocated_to")

    def back(self, case: Case):
        return redirect("audit:case_access", case.pk)


class CaseAccessView(_ManagerCaseView, TemplateView):
    """Restrict or lift; name users on the case; end a grant. The GET is a read (logged)."""

    template_name = "audit/case_access.html"

    def name_form(self, case: Case, data=None) -> NameUserForm:
        already = CaseAccessGrant.objects.active().filter(case=case).values("user_id")
        # Managers may open every case already: only co-ordinators are worth naming.
        users = caseworkers().exclude(pk__in=already).exclude(pk__in=hub_managers().values("pk"))
        if case.allocated_to_id:
            users = users.exclude(pk=case.allocated_to_id)
        return NameUserForm(data, users=users)

    def get(self, request, *args, **kwargs):
        case = self.case
        return self.render_to_response(self.page(case, self.name_form(case)))

    def post(self, request, *args, **kwargs):
        case = self.case
        form = self.name_form(case, request.POST)
        if form.is_valid():
            user = form.cleaned_data["user"]
            try:
                services.name_user_on_case(
                    case=case, user=user, reason=form.cleaned_data["reason"], by=request.user
                )
            except DomainError as error:
                add_error_to_form(form, error)
            else:
                messages.success(request, f"{user} can now open case {case.reference}.")
                return self.back(case)
        return self.render_to_response(self.page(case, form))

    def page(self, case: Case, name_form: NameUserForm) -> dict:
        grants = list(selectors.grants_on([case]).order_by("-granted_at", "-pk")[:100])
        self.log_read("who may open the case")
        return self.get_context_data(
            case=case,
            active=[g for g in grants if g.is_active],
            ended=[g for g in grants if not g.is_active],
            name_form=name_form,
            restriction_form=RestrictionForm(
                initial={"restricted": "yes" if case.restricted else "no"}
            ),
        )


class CaseRestrictionView(_ManagerCaseView, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        case = self.case
        form = RestrictionForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return self.back(case)
        try:
            changed = services.set_restricted(
                case=case,
                restricted=form.cleaned_data["restricted"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except DomainError as error:
            messages.error(request, error.message)
            return self.back(case)
        state = "restricted" if form.cleaned_data["restricted"] else "not restricted"
        if changed:
            messages.success(request, f"Case {case.reference} is now {state}.")
        else:
            messages.info(request, f"Case {case.reference} was {state} already.")
        return self.back(case)


class RevokeGrantView(_ManagerCaseView, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        case = self.case
        form = RevokeForm(request.POST)
        grant = None
        if form.is_valid():
            grant = CaseAccessGrant.objects.filter(case=case, pk=form.cleaned_data["grant"])
            grant = grant.select_related("user").first()
        if grant is None:
            messages.error(request, "Choose an access to end.")
            return self.back(case)
        try:
            services.revoke_grant(grant=grant, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, services.ending_grant_words(grant=grant, case=case))
        return self.back(case)


class PersonAccessView(PermissionRequiredMixin, TemplateView):
    """For managers, on one page: who looked at this person's records (every logged read
    that showed them, with the break-glass reasons), who may open their restricted cases,
    and every change to their records. A constant number of queries (tests/audit)."""

    permission_required = ("cases.view_casework", "cases.view_case_audit")
    template_name = "audit/person_access.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = get_object_or_404(Person, pk=kwargs["pk"])
        cases = selectors.cases_of_person(person)
        grants = list(selectors.grants_on(cases).order_by("-granted_at", "-pk")[:200])
        page = Paginator(selectors.reads_of_person(person.pk), READS_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        reads = list(page.object_list)  # before this read is logged: it is not one of them
        changes = selectors.changes_to(
            [person],
            cases,
            list({c.crime_id: c.crime for c in cases if c.crime_id}.values()),
            [c.ivna for c in cases if getattr(c, "ivna", None) is not None],
            grants,
        )
        record_access(
            request=self.request,
            action=AccessAction.AUDIT,
            case_ids=[c.pk for c in cases],
            person_ids=[person.pk],
            detail=f"who looked at this person, page {page.number}",
        )
        context.update(
            person=person,
            cases=cases,
            grants=grants,
            page=page,
            reads=reads,
            changes=changes[: selectors.CHANGES_PER_KIND],
            page_size=READS_PER_PAGE,
        )
        return context
