"""GET /metrics: Prometheus metrics for the operators, behind a token.

Two parts, in one answer:
- django-prometheus's request, response, latency and migration figures (from its
  middleware; added up across gunicorn's workers when PROMETHEUS_MULTIPROC_DIR is set, as
  docker-compose.yml sets it for the web service);
- the hub's own gauges, computed when Prometheus asks, each with one aggregate query
  (five in all, whatever the number of rows), each asked of the rule's home:

  hub_scheduled_items_due{kind}            due now and not done (scheduling.selectors)
  hub_scheduled_items_overdue{kind}        past their deadline, or due time without one
  hub_scheduled_oldest_due_age_seconds{kind}  how long the oldest due item has waited
  hub_letters_waiting{stage}               postal letters waiting for a VCC's approval
                                           ("approval") or for the post room ("print")
                                           (contact.letters)
  hub_victims_code_first_contact_overdue   first contacts past the Victims' Code deadline,
                                           open cases (casework.work_selectors)
  hub_victims_code_first_contact_missed_today  deadlines that fell today, since midnight,
                                           missed (reporting.outcomes)
  hub_figures_up                           1, or 0 if the database did not answer

No personal data and no per-case labels: the only labels are the kind of scheduled work and
the letters' stage, both fixed lists.

Access: with METRICS_TOKEN set, only a request with `Authorization: Bearer <token>` is
answered (Prometheus's `authorization` scrape setting); any other gets 401. Without it
/metrics is off (404). A token rather than a list of internal addresses: behind the TLS proxy
every request comes from the proxy's address, so an address rule would let the world in.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator
from datetime import datetime, time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_safe
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

from casework.work_selectors import victims_code_overdue
from contact.letters import postal_letters_awaiting_approval, postal_letters_waiting
from reporting.outcomes import missed_first_contacts
from scheduling.models import ItemKind
from scheduling.selectors import due_work_by_kind


def start_of_day(now: datetime) -> datetime:
    """Midnight (local time) of the day `now` falls on."""
    return timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))


def hub_metrics(now: datetime | None = None) -> list[Metric]:
    """The hub's own gauges (see the module docstring)."""
    now = now or timezone.now()
    due = GaugeMetricFamily(
        "hub_scheduled_items_due", "Scheduled items due now and not yet done", labels=["kind"]
    )
    overdue = GaugeMetricFamily(
        "hub_scheduled_items_overdue",
        "Scheduled items past their deadline (or due time, without one) and not done",
        labels=["kind"],
    )
    oldest = GaugeMetricFamily(
        "hub_scheduled_oldest_due_age_seconds",
        "Seconds since the oldest scheduled item still due fell due",
        labels=["kind"],
    )
    found = {row.kind: row for row in due_work_by_kind(now)}
    for kind in ItemKind.values:  # every kind, zero included: a series never disappears
        row = found.get(kind)
        due.add_metric([kind], row.due if row else 0)
        overdue.add_metric([kind], row.overdue if row else 0)
        waited = (now - row.oldest_due_at).total_seconds() if row and row.oldest_due_at else 0
        oldest.add_metric([kind], max(waited, 0))
    letters = GaugeMetricFamily(
        "hub_letters_waiting",
        "Postal letters waiting: for a VCC's approval, or approved for the post room's print",
        labels=["stage"],
    )
    letters.add_metric(["approval"], postal_letters_awaiting_approval().count())
    letters.add_metric(["print"], postal_letters_waiting().count())
    code_overdue = GaugeMetricFamily(
        "hub_victims_code_first_contact_overdue",
        "Open cases whose first contact is past its Victims' Code deadline",
        value=victims_code_overdue(now),
    )
    missed = GaugeMetricFamily(
        "hub_victims_code_first_contact_missed_today",
        "Victims' Code first-contact deadlines that fell today and were missed",
        value=missed_first_contacts(since=start_of_day(now), now=now).count(),
    )
    return [due, overdue, oldest, letters, code_overdue, missed]


class HubCollector:
    """The hub's gauges for prometheus_client's exposition, with `hub_figures_up`."""

    def collect(self) -> Iterator[Metric]:
        try:
            figures = hub_metrics()
        except DatabaseError:
            figures = []
        yield from figures
        yield GaugeMetricFamily(
            "hub_figures_up", "1 if the hub's own figures could be read", value=int(bool(figures))
        )


def _request_figures() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def _authorised(request: HttpRequest) -> bool:
    given = request.headers.get("Authorization", "")
    expected = f"Bearer {settings.METRICS_TOKEN}"
    return hmac.compare_digest(given.encode(), expected.encode())


@login_not_required  # a scraper has no session: the token is its credential
@transaction.non_atomic_requests  # a database that is down still gives the request figures
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_TOKEN:
        raise Http404("Metrics are off: METRICS_TOKEN is not set.")
    if not _authorised(request):
        response = HttpResponse("A metrics token is needed.\n", status=401,
                                content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body = _request_figures() + generate_latest(HubCollector())
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


# Included from hub/urls.py as "metrics" (Prometheus's default path, no trailing slash).
urlpatterns = [path("", metrics, name="metrics")]
