from __future__ import annotations

from django.conf import settings
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView
from pghistory.models import Events

from accounts.models import User
from assessments.triage import rule_description
from audit.models import AccessAction, AccessLog
from audit.services import record_access
from cases.filters import CaseFilter
from cases.selectors import case_list_rows, casework_for, other_cases_of, search_cases

SEARCH_SESSION_KEY = "case_search"


class CaseListView(PermissionRequiredMixin, TemplateView):
    """The VCC's case list: filter by status, route and district; search by name or crime
    reference. The search term is posted and kept in the session, never put in the URL."""

    permission_required = "cases.view_casework"
    template_name = "cases/case_list.html"

    def post(self, request, *args, **kwargs):
        term = " ".join(request.POST.get("q", "").split())[:100]
        if term:
            request.session[SEARCH_SESSION_KEY] = term
        else:
            request.session.pop(SEARCH_SESSION_KEY, None)
        query = request.GET.copy()
        query.pop("page", None)
        return redirect(f"{reverse('cases:list')}?{query.urlencode()}")

    def get(self, request, *args, **kwargs):
        if "clear" in request.GET:
            request.session.pop(SEARCH_SESSION_KEY, None)
            return redirect("cases:list")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        filters = CaseFilter(request.GET, queryset=casework_for(request.user))
        term = request.session.get(SEARCH_SESSION_KEY, "")
        cases = case_list_rows(search_cases(filters.qs, term))
        page = Paginator(cases, settings.HUB_CASE_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        if rows:
            record_access(
                request=request,
                action=AccessAction.SEARCH if term else AccessAction.LIST,
                case_ids=[c.pk for c in rows],
                person_ids=[c.person_id for c in rows],
                detail=f"case list page {page.number}",
            )
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            filters=filters, page=page, cases=rows, search_term=term, query=query.urlencode()
        )
        return context


class CaseDetailView(PermissionRequiredMixin, TemplateView):
    """One case: the person, the crime and markers, the IVNA, the timeline, their history."""

    permission_required = "cases.view_casework"
    template_name = "cases/case_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        case = get_object_or_404(
            casework_for(user).select_related("person", "crime", "allocated_to"),
            pk=kwargs["pk"],
        )
        ivna = getattr(case, "ivna", None)
        record_access(
            request=self.request,
            action=AccessAction.VIEW,
            case_ids=[case.pk],
            person_ids=[case.person_id],
            detail="case page",
        )
        context.update(
            case=case,
            person=case.person,
            crime=case.crime,
            ivna=ivna,
            triage_rules=[(r, rule_description(r)) for r in (ivna.triage_rules if ivna else [])],
            transitions=case.transitions.select_related("by").order_by("at", "pk"),
            other_cases=other_cases_of(case, user),
            can_see_audit=user.has_perm("cases.view_case_audit"),
        )
        return context


class CaseAuditView(PermissionRequiredMixin, TemplateView):
    """For managers: every change to the case's records and every read of them."""

    permission_required = ("cases.view_casework", "cases.view_case_audit")
    template_name = "cases/case_audit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = get_object_or_404(
            casework_for(self.request.user).select_related("person", "crime"), pk=kwargs["pk"]
        )
        tracked = [case, case.person]
        if case.crime is not None:
            tracked.append(case.crime)
        ivna = getattr(case, "ivna", None)
        if ivna is not None:
            tracked.append(ivna)
        # One query per tracked record (pghistory aggregates one model at a time).
        changes = sorted(
            (e for obj in tracked for e in Events.objects.tracks(obj)),
            key=lambda e: e.pgh_created_at,
            reverse=True,
        )[:500]

        user_ids = {
            int(e.pgh_context["user"])
            for e in changes
            if e.pgh_context and e.pgh_context.get("user")
        }
        users = User.objects.in_bulk(user_ids)
        for event in changes:
            uid = (event.pgh_context or {}).get("user")
            event.actor = users.get(int(uid)) if uid else None
            event.model_label = event.pgh_obj_model.split(".")[-1]
        reads = (
            AccessLog.objects.filter(case_ids__contains=[case.pk])
            .select_related("user")
            .order_by("-at")[:500]
        )
        record_access(
            request=self.request,
            action=AccessAction.AUDIT,
            case_ids=[case.pk],
            person_ids=[case.person_id],
            detail="case audit history",
        )
        context.update(case=case, changes=changes, reads=reads)
        return context
