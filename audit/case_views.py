"""The one base for every page on one case: each such URL is under /cases/<int:case_pk>/.

Rules: a case exists for a user only if they may open it (audit.selectors.casework_for: the
restricted-case rules), so any other case is a 404, never a 403 that would confirm it exists;
and every read of a victim's record is attributable to a user (service specification:
confidential; DPA 2018 Part 3 logging), so each page on a case leaves one access-log row per
request for what it shows.
"""

from __future__ import annotations

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from audit.models import AccessAction
from audit.selectors import casework_for
from audit.services import record_access
from cases.models import Case
from core.redirects import safe_next

# The case page's tab (templates/cases/case_detail.html) where the work of each app's pages
# on a case shows: saving one of them returns the user there.
CASE_TABS = {
    "assessments": "assessment-and-plan",
    "volunteers": "assessment-and-plan",
    "referrals": "referrals",
}

# Those who work cases: VCCs and managers (accounts.roles).
WORK_CASE = ("cases.view_casework", "cases.work_case")


class CaseScopedMixin(PermissionRequiredMixin):
    """Loads `self.case` from the URL's `case_pk` through casework_for, for a user with the
    permissions the subclass names (`permission_required`: there is no default).

    - `case_related`: the `select_related` the page needs on the case.
    - A case the user may not open: `case_not_found()`, a 404 (the case page answers the
      restricted notice instead).
    - `load(**kwargs)`: find what else the URL names, within `self.case` (404 otherwise).
    - The read: when the page is rendered, one access-log row (`read_action`, `read_detail`)
      naming the case and its person, unless the view has logged it already with
      `log_read(detail)`. A write that discloses (an export) or a download logs its own
      action with `log_read(detail, action)`. Each action is written once per request.
    """

    case_url_kwarg = "case_pk"
    case_related: tuple[str, ...] = ("person",)
    read_action: str = AccessAction.VIEW
    read_detail: str = ""

    case: Case

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self._logged: set[str] = set()  # the access-log actions written in this request

    def dispatch(self, request, *args, **kwargs):
        if self.has_permission():
            case = self.find_case()
            if case is None:
                return self.case_not_found()
            self.case = case
            self.load(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def find_case(self) -> Case | None:
        """The case of the URL if this user may open it, else None."""
        cases = casework_for(self.request.user)
        if self.case_related:  # select_related() with no names would follow every relation
            cases = cases.select_related(*self.case_related)
        try:
            return cases.get(pk=self.kwargs[self.case_url_kwarg])
        except Case.DoesNotExist:
            return None

    def case_not_found(self):
        raise Http404("No such case")

    def load(self, **kwargs) -> None:
        """Find what else the URL names, within the case (404 otherwise)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            case=self.case, person=self.case.person, back_url=self.back_url(),
            next_url=safe_next(self.request, ""),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        self.log_read()
        return super().render_to_response(context, **response_kwargs)

    def log_read(self, detail: str | None = None, action: str | None = None) -> None:
        """Record this request's read of the case (`read_action` unless `action` is given),
        once per action per request."""
        action = action or self.read_action
        if action in self._logged:
            return
        self._logged.add(action)
        record_access(
            request=self.request,
            action=action,
            case_ids=[self.case.pk],
            person_ids=[self.case.person_id],
            detail=self.read_detail if detail is None else detail,
        )

    def case_url(self, *, anchor: str = "") -> str:
        url = reverse("cases:detail", args=[self.case.pk])
        return f"{url}#{anchor}" if anchor else url

    def back_to_case(self, *, anchor: str = ""):
        """The case page at `anchor` if given, else at the tab where this page's work shows
        (CASE_TABS: a DVNA saved lands on "Assessment and plan", a referral on "Referrals")."""
        tab = CASE_TABS.get(type(self).__module__.split(".")[0], "")
        return redirect(self.case_url(anchor=anchor or tab))

    def back_url(self) -> str:
        """Where "Back" on a page of the case, and saving its form, return the user: the page
        they came from (a safe `next`: core.redirects), else the case's timeline, so that
        recording a call, a note or an outcome never loses their place (issue 16)."""
        return safe_next(self.request, self.case_url(anchor="timeline"))

    def back_to_where_they_were(self):
        return redirect(self.back_url())


class CaseWorkMixin(CaseScopedMixin):
    """A page for those who work cases (VCCs and managers)."""

    permission_required = WORK_CASE
