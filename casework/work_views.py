"""'My work' for a VCC and the team's load for a hub manager."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.generic import TemplateView, View

from accounts.models import User
from audit.models import AccessAction
from audit.services import record_access
from cases.services import reallocate_cases
from casework import work_selectors as selectors
from complaints.selectors import overdue_complaints
from contact.invariant import latest_stall_check
from contact.letter_checks import approve_letters
from contact.next_steps import next_steps
from contact.selectors import cases_a_manager_decides, stalled_in
from core.errors import DomainError
from rights.selectors import overdue_rights

# A screenful of each list, oldest first: a VCC works from the top (the queue can hold
# thousands at 300,000 cases; 50 rows of each list took about 70 ms to render).
WORK_PAGE_SIZE = 25


class MyWorkView(PermissionRequiredMixin, TemplateView):
    """What is due and overdue, oldest first: my cases, then the unallocated queue, then
    the letters waiting for a check: those to victims at risk one by one (issue 12), the
    ordinary postal ones to approve together. Each list shows its oldest 25 with its whole
    count, and pages on (`?mine=2`, `?queue=2`, ...): the page costs the same with 25 items
    due as with 5,000, and no item is out of reach."""

    permission_required = ("cases.view_casework", "cases.work_case")
    template_name = "scheduling/my_work.html"

    def page(self, queryset, name: str, count: int | None = None) -> dict:
        """One list's page: its items, and the query string that keeps the other lists'
        pages when this one moves on (the include's `query`). `count`, when already counted,
        saves the paginator counting again."""
        paginator = Paginator(queryset, WORK_PAGE_SIZE)
        if count is not None:
            paginator.count = count  # a cached_property: set, it is not counted again
        page = paginator.get_page(self.request.GET.get(name))
        others = self.request.GET.copy()
        others.pop(name, None)
        return {"page": page, "param": name, "query": others.urlencode(), "anchor": name}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        due = selectors.work_due(user)
        counts = selectors.work_counts(user)
        lists = {
            "mine": self.page(due.filter(case__allocated_to=user), "mine", counts["mine"]),
            "queue": self.page(
                due.filter(case__allocated_to__isnull=True), "queue", counts["queue"]
            ),
            "check": self.page(selectors.letters_to_check(user), "check"),
            "approve": self.page(selectors.ordinary_letters(user), "approve"),
            "rights": self.page(overdue_rights(user), "rights"),
        }
        shown = {name: list(entry["page"]) for name, entry in lists.items()}
        rows = [row for items in shown.values() for row in items]
        if rows:
            record_access(
                request=self.request,
                action=AccessAction.LIST,
                case_ids=[row.case_id for row in rows],
                person_ids=[row.case.person_id for row in rows],
                detail="my work",
            )
        context.update(
            lists=lists,
            mine=shown["mine"],
            queue=shown["queue"],
            to_check=shown["check"],
            letters=shown["approve"],
            rights_overdue=shown["rights"],
            counts=counts,
            letters_count=lists["check"]["page"].paginator.count
            + lists["approve"]["page"].paginator.count,
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
    """For managers: each VCC's load, overdue work, and cover for absence. Every count links
    to the cases behind it (the case list, filtered by the same condition)."""

    permission_required = ("cases.view_casework", "cases.allocate_case")
    template_name = "scheduling/team.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        team, unallocated, totals = selectors.team_load()
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
            columns=selectors.TEAM_COLUMNS,
            unreachable=unreachable,
            stall_check=check,
            stalled=stalled,
            unallocated=unallocated,
            totals=totals,
            overdue_complaints=complaints,
        )
        return context


class ReallocateView(PermissionRequiredMixin, View):
    """Cover for absence in two steps (issue 16): the first POST shows the open cases that
    would move (reference, victim, status, next step) and moves nothing; the second moves
    exactly the cases shown (cases.services.reallocate_cases) and says which were not moved
    because they changed in between."""

    permission_required = ("cases.view_casework", "cases.allocate_case")
    http_method_names = ["post"]
    template_name = "scheduling/reallocate_confirm.html"

    def post(self, request, *args, **kwargs):
        from_id, to_id = request.POST.get("from_user", ""), request.POST.get("to_user", "")
        # An id that is not a number names nobody: 404, as an unknown one does.
        from_user = get_object_or_404(User, pk=from_id if from_id.isdigit() else 0)
        to_user = get_object_or_404(User, pk=to_id if to_id.isdigit() else 0) if to_id else None
        if "confirm" not in request.POST:
            return self.check(request, from_user, to_user)
        ids = [int(i) for i in request.POST.getlist("case") if i.isdigit()]
        if request.POST["confirm"] != "yes" or not ids:
            messages.error(request, "Nothing was moved: check the cases to move, then confirm.")
            return redirect("scheduling:team")
        try:
            result = reallocate_cases(
                case_ids=ids, from_user=from_user, to_user=to_user, by=request.user
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("scheduling:team")
        if not result.moved and not result.not_moved:
            messages.error(request, "Nothing was moved: none of those cases was found.")
            return redirect("scheduling:team")
        target = str(to_user) if to_user else "the unallocated queue"
        count = len(result.moved)
        messages.success(
            request,
            f"{count} open case{pluralize(count)} moved from {from_user} to {target}"
            + (f": {', '.join(result.moved)}." if result.moved else "."),
        )
        for reference, why in result.not_moved:
            messages.warning(request, f"{reference} was not moved: {why}.")
        return redirect("scheduling:team")

    def check(self, request, from_user: User, to_user: User | None):
        """The cases that would move, to confirm. Nothing is changed."""
        if to_user is not None and to_user.pk == from_user.pk:
            messages.error(request, "Choose someone else to cover these cases.")
            return redirect("scheduling:team")
        cases = list(selectors.reallocation_cases(from_user))
        if cases:
            record_access(
                request=request,
                action=AccessAction.LIST,
                case_ids=[c.pk for c in cases],
                person_ids=[c.person_id for c in cases],
                detail="team page: cases to move, to confirm",
            )
        steps = next_steps(c.pk for c in cases)
        context = {
            "from_user": from_user,
            "to_user": to_user,
            "rows": [(case, steps.get(case.pk)) for case in cases],
        }
        return render(request, self.template_name, context)
