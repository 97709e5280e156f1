"""The figures worked out live are kept a few minutes (reporting/cache.py, issue 17): the
second page of the same question reads them; a manager's exact figures are never served to
the OPCC; the scheduled refresh works the defaults out ahead; a cache that cannot be reached
costs time, never the page."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contact.models import ContactOutcome
from reporting import cache as figures_cache
from reporting.flow import Period
from reporting.live import dashboard
from reporting.models import QuarterlyReturnVersion, ReturnKind
from reporting.tasks import refresh_figures
from reporting.versions import published_return
from tests.factories import CaseFactory, PersonFactory
from tests.reporting.test_dashboard import boxes_of

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
FLOW = "/api/v1/performance/flow/"
Q1 = {"from": "2025-01-01", "to": "2025-03-31"}
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "figures-tests"}}
    settings.HUB_FIGURES_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def _referral(day: date, **fields):
    return CaseFactory(route="hub_contact", contact_outcome=ContactOutcome.ACCEPTED,
                       referred_at=datetime(day.year, day.month, day.day, 12, tzinfo=LONDON),
                       person=PersonFactory(district="fenland"), **fields)


def _referred_box(page: str) -> int:
    return int(boxes_of(page)["referred"]["attrs"]["data-count"])


def _queries(client, url, params) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), response


def test_the_dashboard_reads_the_kept_figures_until_they_are_refreshed(client, manager_user):
    for day in (date(2025, 2, 1), date(2025, 3, 1)):
        _referral(day)
    client.force_login(manager_user)
    first, response = _queries(client, reverse("reporting:dashboard"), YEAR)
    page = response.content.decode()
    assert _referred_box(page) == 2
    assert 'data-testid="worked-out-at"' in page and "refreshed every 5 minutes" in page

    _referral(date(2025, 4, 1))
    second, response = _queries(client, reverse("reporting:dashboard"), YEAR)
    # The figures' queries were not run again: the page shows what was worked out.
    assert second <= first - 6
    assert _referred_box(response.content.decode()) == 2
    # Another question (a district) is worked out for itself.
    _, response = _queries(client, reverse("reporting:dashboard"), {**YEAR, "district": "fenland"})
    assert _referred_box(response.content.decode()) == 3

    # The scheduled refresh's way: worked out now, and kept.
    dashboard(Period(date(2025, 1, 1), date(2025, 12, 31)), fresh=True)
    _, response = _queries(client, reverse("reporting:dashboard"), YEAR)
    assert _referred_box(response.content.decode()) == 3


def test_the_opcc_never_gets_a_managers_exact_figures_from_the_cache(
    client, manager_user, opcc_api
):
    _referral(date(2025, 2, 1))
    _referral(date(2025, 2, 2))
    client.force_login(manager_user)
    exact = client.get(FLOW, Q1).json()
    assert exact["accepted"] == 2
    published = opcc_api.get(FLOW, Q1).json()
    assert published["accepted"] == "*" and published["suppression_rule"]
    # And the other way round: the manager still gets exact counts.
    assert client.get(FLOW, Q1).json()["accepted"] == 2


def test_a_provisional_return_is_kept_and_a_stored_version_is_read_as_stored(opcc_api):
    _referral(date(2025, 2, 1))
    first = published_return(2025, 1)
    _referral(date(2025, 2, 3))
    assert published_return(2025, 1)["flow"] == first["flow"]  # kept
    QuarterlyReturnVersion.objects.create(
        kind=ReturnKind.QUARTERLY, year=2025, quarter=1, version=1,
        payload={**first, "flow": {**first["flow"], "referred": 99}}, changes=[],
    )
    assert published_return(2025, 1)["flow"]["referred"] == 99


def test_the_scheduled_refresh_works_out_the_pages_defaults(client, manager_user, settings):
    assert {"dashboard", "published-flow"} <= set(refresh_figures())
    client.force_login(manager_user)
    with CaptureQueriesContext(connection) as kept:
        client.get(reverse("reporting:dashboard"))
    settings.HUB_FIGURES_CACHE_SECONDS = 0
    assert refresh_figures() == []
    with CaptureQueriesContext(connection) as live:
        client.get(reverse("reporting:dashboard"))
    assert len(kept) <= len(live) - 6


def test_a_cache_that_cannot_be_reached_costs_time_never_the_page(
    client, manager_user, monkeypatch
):
    class Down:
        def get(self, *args, **kwargs):
            raise ConnectionError("Redis is down")

        set = get

    monkeypatch.setattr(figures_cache, "cache", Down())
    _referral(date(2025, 2, 1))
    client.force_login(manager_user)
    _, response = _queries(client, reverse("reporting:dashboard"), YEAR)
    assert _referred_box(response.content.decode()) == 1


def test_the_key_names_the_question_and_the_rules_and_nothing_personal(monkeypatch):
    question = {"from": date(2025, 1, 1), "to": date(2025, 3, 31), "district": None}
    key = figures_cache.key_for("flow", question)
    assert key == figures_cache.key_for("flow", dict(reversed(question.items())))
    assert key != figures_cache.key_for("published-flow", question)
    assert key != figures_cache.key_for("flow", {**question, "district": "fenland"})
    monkeypatch.setattr(figures_cache, "RULES_VERSION", "flow-2099.1+x")
    assert figures_cache.key_for("flow", question) != key


def test_beat_refreshes_the_figures_as_it_starts(monkeypatch):
    """Without it the first refresh falls four minutes after a deploy, and the first
    dashboard in those minutes works its figures out while the manager waits."""
    from celery.signals import beat_init

    from hub.celery import app

    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, **options: sent.append((name, options)))
    beat_init.send(sender=None)
    assert sent == [("reporting.tasks.refresh_figures", {"expires": 230})]
    assert "reporting.tasks.refresh_figures" in app.tasks
    assert sent[0][1]["expires"] == app.conf.beat_schedule["refresh-figures"]["options"]["expires"]
