"""The one base for pages on a case (audit.case_views): every case URL is under
/cases/<int:case_pk>/, and every view there loads its case through the base."""

from __future__ import annotations

import pytest
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic import View

from audit.case_views import CaseScopedMixin, CaseWorkMixin
from audit.models import AccessAction, AccessLog
from audit.views import BreakGlassView
from tests.factories import CaseFactory

CASE_ROUTE = "cases/<int:case_pk>/"
# A case page that does not load its case through casework_for, and why.
NOT_SCOPED = {
    # It is for a restricted case the user may NOT open: it gives them a grant, with a reason.
    BreakGlassView: "break the glass on a case the user may not open yet",
}


def _routes(resolver=None, prefix=""):
    """(full route, view class or None, name) for every URL pattern, through every include."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                yield from _routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route, getattr(pattern.callback, "view_class", None), pattern.name


def test_every_case_url_is_under_cases_case_pk():
    wrong = [
        route for route, _, _ in _routes()
        if route.startswith("cases/<") and not route.startswith(CASE_ROUTE)
    ]
    assert not wrong, f"name the case `case_pk`, under {CASE_ROUTE}: {wrong}"


def test_every_view_under_a_case_uses_the_one_base():
    loose = [
        f"{name} ({route})" for route, view, name in _routes()
        if route.startswith(CASE_ROUTE)
        and not (view and issubclass(view, CaseScopedMixin))
        and view not in NOT_SCOPED
    ]
    assert not loose, f"subclass audit.case_views.CaseScopedMixin: {loose}"


def test_every_view_of_the_base_is_routed_under_a_case():
    stray = [
        f"{name} ({route})" for route, view, name in _routes()
        if view and issubclass(view, CaseScopedMixin) and not route.startswith(CASE_ROUTE)
    ]
    assert not stray, stray


class _Page(CaseWorkMixin, View):
    read_detail = "a page"

    def get(self, request, *args, **kwargs):
        self.log_read()
        self.log_read("again")  # the same read: not a second row
        self.log_read("a download", AccessAction.DOWNLOAD)
        return HttpResponse("ok")


@pytest.fixture
def page_request(vcc_user):
    request = RequestFactory().get("/cases/1/page/")
    request.user = vcc_user
    return request


def test_a_read_is_logged_once_per_action_per_request(page_request, db):
    case = CaseFactory()
    response = _Page.as_view()(page_request, case_pk=case.pk)
    assert response.status_code == 200
    rows = AccessLog.objects.order_by("pk")
    assert [(r.action, r.detail, r.case_ids, r.person_ids) for r in rows] == [
        (AccessAction.VIEW, "a page", [case.pk], [case.person_id]),
        (AccessAction.DOWNLOAD, "a download", [case.pk], [case.person_id]),
    ]


def test_a_case_the_user_may_not_open_is_a_404(page_request, db):
    restricted = CaseFactory(restricted=True)
    with pytest.raises(Http404):
        _Page.as_view()(page_request, case_pk=restricted.pk)
    with pytest.raises(Http404):
        _Page.as_view()(page_request, case_pk=restricted.pk + 1000)
    assert not AccessLog.objects.exists()


def test_the_case_page_url_names_the_case_pk():
    assert reverse("cases:detail", kwargs={"case_pk": 7}) == "/cases/7/"
    assert reverse("volunteers:allocate", args=[7]) == "/cases/7/volunteer/"
