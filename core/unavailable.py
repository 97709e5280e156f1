"""When PostgreSQL is down: the hub's own "try again in a minute" answer (503), never a trace.

A database that has died or is restarting makes every query raise django.db's
OperationalError (cannot connect, server closed the connection) or InterfaceError (the
connection was already closed). Without this, Django answers them as a server error (500)
and logs a traceback for every request. They are not bugs: the hub answers 503 Service
Unavailable with a Retry-After header, the page in the hub's layout and the API in JSON, and
a crime system retries the same IVNA with the same crime reference and police person id
(intake is idempotent, docs/api.md). Nothing was half-saved: each request is one transaction
(ATOMIC_REQUESTS), and a transaction cut off by the database's death is rolled back by it.

Recovery needs no restart: settings give the connection health checks (CONN_HEALTH_CHECKS),
so the first request after PostgreSQL is back finds the dead connection, drops it and opens a
new one.

Two ways in, one answer:
- DatabaseUnavailableMiddleware.process_exception: an error raised by a view, including the
  opening of its transaction (ATOMIC_REQUESTS wraps the view);
- server_error (handler500): an error raised by another middleware before or after the view
  (loading the session or the user), which Django turns into a 500 response before any
  middleware could catch it; QuietWhileDatabaseDown keeps Django's traceback for it out of
  the log;
- core.error_pages.bad_request (handler400): the session's save after the view failing with
  the database (Django's SessionInterrupted, a 400 "the session was deleted"), found by the
  fault run: a page that was answered, then "could not read what was sent".
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

logger = logging.getLogger("hub.unavailable")

DATABASE_ERRORS = (OperationalError, InterfaceError)
API_MESSAGE = (
    "The hub cannot reach its database just now. Nothing from this request was saved: "
    "send it again after the Retry-After seconds (an IVNA with the same crime reference and "
    "police person id is never stored twice)."
)


def is_database_unavailable(error: BaseException | None) -> bool:
    """Is this error, or an error it was raised from or while handling, the database being
    unreachable? Django's session middleware turns a failed save of the session into
    SessionInterrupted (a 400) with the OperationalError two links down its chain."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, DATABASE_ERRORS):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON under /api/, else the hub's page. Rendered without the
    request's context processors: they read the signed-in user from the database."""
    retry_after = str(settings.HUB_RETRY_AFTER_SECONDS)
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": API_MESSAGE, "retry_after": settings.HUB_RETRY_AFTER_SECONDS},
            status=503,
        )
    else:
        page = loader.get_template("503.html").render({"hub_name": settings.HUB_NAME})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = retry_after
    response["Cache-Control"] = "no-store"
    return response


def note(request: HttpRequest, error: BaseException | None) -> None:
    # The class and the method only: the path may carry a search, the message SQL.
    logger.warning(
        "database unavailable (%s) during %s: answered 503", type(error).__name__,
        request.method,
    )


class DatabaseUnavailableMiddleware:
    """Turns a database that is down, met in a view, into the 503 answer (module docstring).
    Listed last, so that its process_exception is asked first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not is_database_unavailable(exception):
            return None
        note(request, exception)
        return unavailable_response(request)


class QuietWhileDatabaseDown(logging.Filter):
    """On the django.request and django.security loggers (settings.LOGGING): drops Django's
    "Service Unavailable" or "session was deleted" record and traceback for a database that
    is down, met in middleware (the handler has logged one line for it). A traceback per
    request while PostgreSQL restarts would bury the one line an operator needs; any other
    error keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not is_database_unavailable(error)


def server_error(
    request: HttpRequest, template_name: str = defaults.ERROR_500_TEMPLATE_NAME
) -> HttpResponse:
    """handler500: the 503 answer when the error being handled is the database being down
    (raised by a middleware), else Django's own 500 page."""
    error = sys.exc_info()[1]
    if is_database_unavailable(error):
        note(request, error)
        return unavailable_response(request)
    return defaults.server_error(request, template_name)
