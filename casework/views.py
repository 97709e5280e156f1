from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView, View

from accounts.models import User
from audit.case_views import CaseScopedMixin, CaseWorkMixin
from audit.models import AccessAction, AccessLog
from audit.selectors import casework_for, other_cases_of
from audit.services import record_access, take_case
from audit.views import restricted_notice
from cases.deadlines import contact_working_days
from cases.selectors import case_list_rows, earlier_cases
from cases.services import allocate_case
from casework.allocation import suggested_caseworkers
from casework.filters import CaseFilter
from casework.history import case_history
from casework.people_selectors import merges_into, possible_matches
from casework.timeline import KIND_LABELS, TIMELINE_KINDS, case_timeline
from contact.closures import automatic_closure_at
from contact.forms import NoteForm
from contact.lifecycle import (
    can_close_unsupported,
    can_escalate,
    can_record_supported_elsewhere,
    can_step_down,
)
from contact.next_steps import next_steps
from contact.notes import add_note
from contact.selectors import invite_expires_at, letters_with_checks
from contact.services import (
    can_call,
    can_record_outcome,
    can_reopen,
    contact_path,
    propose_next_attempt,
)
from core.errors import DomainError
from core.redirects import safe_next
from intake.triage import rule_description
from rights.selectors import rights_panel


class CaseListView(PermissionRequiredMixin, TemplateView):
    """The VCC's case list: filter by status, route, district, who it is allocated to. Search
    is the header's (casework.find_views.SearchView): no term is kept here."""

    permission_required = "cases.view_casework"
    template_name = "cases/case_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        filters = CaseFilter(request.GET, queryset=casework_for(request.user), request=request)
        cases = case_list_rows(filters.qs)
        page = Paginator(cases, settings.HUB_CASE_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        if rows:
            record_access(
                request=request,
                action=AccessAction.LIST,
                case_ids=[c.pk for c in rows],
                person_ids=[c.person_id for c in rows],
                detail=f"case list page {page.number}",
            )
        query = request.GET.copy()
        query.pop("page", None)
        context.update(filters=filters, page=page, cases=rows, query=query.urlencode())
        return context


def timeline_context(case, user, kind: str) -> dict:
    """The timeline of the case page and of its htmx refresh: the entries, the filters."""
    kind = kind if kind in KIND_LABELS else ""
    return {
        "timeline": case_timeline(case, user, kind=kind),
        "timeline_kind": kind,
        "timeline_kinds": TIMELINE_KINDS,
    }


class CaseDetailView(CaseScopedMixin, TemplateView):
    """One case, built for the phone call (issue 16): a pinned summary (who, how to reach
    them safely, risk, route and deadline, who has it, status, next step, the actions), then
    sections: the timeline first, the assessment and plan, referrals, letters, the police's
    IVNA, the person and their history."""

    permission_required = "cases.view_casework"
    template_name = "cases/case_detail.html"
    case_related = ("person", "crime", "allocated_to")
    read_detail = "case page"

    def case_not_found(self):
        # A restricted case this user may not open: "This record is restricted" and the
        # break-glass form, here only (its exact URL). Anything else stays a 404.
        return restricted_notice(self.request, pk=self.kwargs["case_pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        case = self.case
        ivna = getattr(case, "ivna", None)
        can_allocate = user.has_perm("cases.allocate_case")
        can_work = user.has_perm("cases.work_case")
        context.update(
            case=case,
            person=case.person,
            crime=case.crime,
            ivna=ivna,
            triage_rules=[(r, rule_description(r)) for r in (ivna.triage_rules if ivna else [])],
            **timeline_context(case, user, self.request.GET.get("kind", "")),
            next_step=next_steps([case.pk]).get(case.pk),
            contact_days=contact_working_days(
                route=case.route, enhanced=case.enhanced_entitlement
            ),
            letters=letters_with_checks(case),
            attempts=list(case.attempts.all()),
            next_slot=propose_next_attempt(case),
            can_work=can_work,
            can_call=can_call(case),
            contact_path=contact_path(case) if can_call(case) else None,
            invite_expires_at=invite_expires_at(case) if can_call(case) else None,
            can_record_outcome=can_record_outcome(case),
            can_reopen=can_reopen(case),
            can_escalate=can_escalate(case),
            can_step_down=can_step_down(case),
            can_record_supported_elsewhere=can_record_supported_elsewhere(case),
            can_close_unsupported=can_close_unsupported(case, user),
            closes_automatically_at=automatic_closure_at(case),
            can_allocate=can_allocate,
            team=suggested_caseworkers(case) if can_allocate else [],
            other_cases=other_cases_of(case, user),
            earlier_cases=earlier_cases(case).count(),
            possible_matches=possible_matches(case.person, user) if can_work else [],
            merges=merges_into(case.person, user) if can_work else [],
            can_see_audit=user.has_perm("cases.view_case_audit"),
            rights=rights_panel(case),
        )
        return context


class CaseAuditView(CaseScopedMixin, TemplateView):
    """For managers: every change to the case's records and every read of them."""

    permission_required = ("cases.view_casework", "cases.view_case_audit")
    template_name = "cases/case_audit.html"
    case_related = ("person", "crime")
    read_action = AccessAction.AUDIT
    read_detail = "case audit history"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.case
        reads = (
            AccessLog.objects.filter(case_ids__contains=[case.pk])
            .select_related("user")
            .order_by("-at")[:500]
        )
        context.update(case=case, changes=case_history(case), reads=reads)
        return context


class AllocateView(CaseWorkMixin, View):
    """Take an unallocated case (VCC), or allocate it to anyone (manager)."""

    http_method_names = ["post"]
    case_related = ()

    def post(self, request, *args, **kwargs):
        case = self.case
        target = request.POST.get("to", "")
        if target == "me":
            to = request.user
        elif target == "":
            to = None
        else:
            to = get_object_or_404(User, pk=target if target.isdigit() else 0)
        try:
            if to == request.user:
                take_case(case=case, by=request.user)
            else:
                allocate_case(case=case, to=to, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"Case {case.reference} allocated to {to}." if to else
                f"Case {case.reference} returned to the unallocated queue."
            )
        return redirect(safe_next(request, reverse("cases:detail", args=[case.pk])))


class CaseTimelineView(CaseWorkMixin, TemplateView):
    """The case's timeline on its own, for the case page's htmx: GET filters it by kind,
    POST adds a note (contact.notes) from the box above it. Without JavaScript the same
    links and the same form lead back to the case page at its timeline."""

    template_name = "cases/_timeline.html"
    read_detail = "case timeline"

    def get(self, request, *args, **kwargs):
        kind = request.GET.get("kind", "")
        if not request.headers.get("HX-Request"):
            query = f"?kind={kind}" if kind in KIND_LABELS else ""
            return redirect(f"{reverse('cases:detail', args=[self.case.pk])}{query}#timeline")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        # The note form's own rules (contact.forms.NoteForm: required, at most 4,000
        # characters); the box never makes a restricted note (the full form does).
        form = NoteForm({"text": request.POST.get("text", "")})
        note_error = ""
        if not form.is_valid():
            note_error = form.errors["text"][0]
        else:
            try:
                add_note(case=self.case, by=request.user, text=form.cleaned_data["text"])
            except DomainError as error:
                note_error = error.message
        if request.headers.get("HX-Request"):
            return self.render_to_response(self.get_context_data(
                note_error=note_error,
                note_text=request.POST.get("text", "")[:4000] if note_error else "",
                note_added=not note_error,
            ))
        if note_error:
            messages.error(request, note_error)
        else:
            messages.success(request, "The note has been added to the timeline.")
        return self.back_to_case(anchor="timeline")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            can_work=self.request.user.has_perm("cases.work_case"),
            **timeline_context(self.case, self.request.user, self.request.GET.get("kind", "")),
        )
        return context
