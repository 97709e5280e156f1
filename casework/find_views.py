"""Finding and holding one's work (issue 16): "My cases" and the search in the header."""

from __future__ import annotations

from collections import Counter

from django import forms
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import TemplateView

from audit.models import AccessAction
from audit.selectors import casework_for
from audit.services import record_access
from cases.selectors import search_cases
from cases.workflow import OPEN_STATUSES, CaseStatus
from casework import work_selectors as selectors
from contact.next_steps import next_steps

# A results page shows this many cases in each group; more asks the user to refine.
SEARCH_GROUP_LIMIT = 50
SEARCH_MIN_LENGTH = 2
SEARCH_MAX_LENGTH = 100  # longer than any name, reference, phone number or postcode


class MyCasesView(PermissionRequiredMixin, TemplateView):
    """Every open case allocated to me, with its status and its next step and when it is
    due, what falls due first at the top, whatever is due today."""

    permission_required = ("cases.view_casework", "cases.work_case")
    template_name = "cases/my_cases.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cases = list(selectors.my_open_cases(self.request.user))
        steps = next_steps(c.pk for c in cases)
        for case in cases:
            case.next_step = steps.get(case.pk)
        # Logged even when empty: the page is a look at one's cases.
        record_access(
            request=self.request,
            action=AccessAction.LIST,
            case_ids=[c.pk for c in cases],
            person_ids=[c.person_id for c in cases],
            detail="my cases",
        )
        counts = Counter(c.status for c in cases)
        context.update(
            cases=cases,
            by_status=[
                (value, label, counts[value])
                for value, label in CaseStatus.choices
                if counts[value]
            ],
            overdue_count=sum(1 for c in cases if c.next_step and c.next_step.overdue),
        )
        return context


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search cases",
        min_length=SEARCH_MIN_LENGTH,
        max_length=SEARCH_MAX_LENGTH,
        strip=True,
        error_messages={
            "required": "Enter a case or crime reference, name, phone number, postcode or "
            "date of birth",
            "min_length": f"Enter at least {SEARCH_MIN_LENGTH} characters to search for",
            "max_length": f"Enter {SEARCH_MAX_LENGTH} characters or fewer to search for",
        },
    )

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())


class SearchView(PermissionRequiredMixin, TemplateView):
    """The search in the header. The term is posted and the results are the answer to the
    post: never in a URL (it would be in logs and history) nor in the session (it would
    filter the next visit). Open and closed cases apart, each capped at SEARCH_GROUP_LIMIT,
    only cases the user may open (audit.selectors.casework_for). Each search is logged as
    a read of the cases found, without the term."""

    permission_required = "cases.view_casework"
    template_name = "cases/search.html"

    def post(self, request, *args, **kwargs):
        form = SearchForm(request.POST)
        context = self.get_context_data(form=form)
        if form.is_valid():
            found = search_cases(casework_for(request.user), form.cleaned_data["q"])
            found = found.select_related("person", "allocated_to").order_by("-referred_at", "-pk")
            open_cases = list(found.filter(status__in=OPEN_STATUSES)[: SEARCH_GROUP_LIMIT + 1])
            closed = list(found.exclude(status__in=OPEN_STATUSES)[: SEARCH_GROUP_LIMIT + 1])
            shown = open_cases[:SEARCH_GROUP_LIMIT] + closed[:SEARCH_GROUP_LIMIT]
            # Logged whatever was found (nothing too: the search was a look), never the term.
            record_access(
                request=request,
                action=AccessAction.SEARCH,
                case_ids=[c.pk for c in shown],
                person_ids=[c.person_id for c in shown],
                detail="search",
            )
            context.update(
                searched=True,
                open_cases=open_cases[:SEARCH_GROUP_LIMIT],
                closed_cases=closed[:SEARCH_GROUP_LIMIT],
                more=len(open_cases) > SEARCH_GROUP_LIMIT or len(closed) > SEARCH_GROUP_LIMIT,
                limit=SEARCH_GROUP_LIMIT,
            )
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", SearchForm())
        return super().get_context_data(**kwargs)
