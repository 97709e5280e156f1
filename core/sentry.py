"""Errors to Sentry, optional (SENTRY_DSN), with personal data scrubbed before sending.

Off unless SENTRY_DSN is set. When on, Sentry's own settings already keep most personal data
back: `send_default_pii=False` in sentry-sdk 2.75's words, `data_collection` with everything
off (the flag is deprecated there in favour of it, and its explicit defaults collect all):
no user details, cookies, request bodies, query strings, database parameters, queue
payloads or frame variables, and only the safe headers; `max_request_body_size="never"`.
`scrub_event` then
removes, from every error and performance event before it leaves the process, whatever
could still name or locate a victim or a member of staff:

- the request's body, cookies, query string, environment (client address) and every header
  but a short safe list (no Authorization, Cookie, X-Forwarded-For);
- the user but their id;
- local variables of every stack frame, and exception messages (a database error quotes the
  values it refused: "Key (email)=(ann@example.org) already exists"); the exception's class
  and the stack (files, lines, functions, source) are kept: they are what a developer needs;
- the parameters of log messages (the format string is kept), `extra`, every context but
  runtime, os and trace, and the messages and data of breadcrumbs;
- span data and every span description but SQL (which Django sends with placeholders, never
  the values).
"""

from __future__ import annotations

from typing import Any, cast

from sentry_sdk.types import Event, Hint

WITHHELD = "[withheld]"
SAFE_HEADERS = frozenset({"accept", "content-length", "content-type", "host", "x-request-id"})
SAFE_CONTEXTS = frozenset({"runtime", "os", "trace"})
SAFE_BREADCRUMB_KEYS = frozenset({"category", "level", "type", "timestamp"})
SAFE_SPAN_KEYS = frozenset(
    {"op", "span_id", "parent_span_id", "trace_id", "start_timestamp", "timestamp", "status",
     "same_process_as_parent", "origin"}
)


def _scrub_request(request: dict) -> dict:
    url = str(request.get("url") or "").split("?", 1)[0]
    headers = {
        name: value
        for name, value in (request.get("headers") or {}).items()
        if name.lower() in SAFE_HEADERS
    }
    return {"method": request.get("method"), "url": url, "headers": headers}


def _scrub_frames(stacktrace: dict | None) -> None:
    for frame in (stacktrace or {}).get("frames") or []:
        frame.pop("vars", None)


def _scrub_span(span: dict) -> dict:
    kept = {key: value for key, value in span.items() if key in SAFE_SPAN_KEYS}
    if span.get("op") == "db" and "description" in span:
        kept["description"] = span["description"]  # SQL with placeholders
    return kept


def scrub_event(original: Event, hint: Hint | None = None) -> Event:
    """The event with personal data removed (the `before_send` and
    `before_send_transaction` hook; see the module docstring)."""
    event = cast(dict[str, Any], original)
    if "request" in event:
        event["request"] = _scrub_request(event["request"] or {})
    user = event.get("user") or {}
    event["user"] = {"id": user["id"]} if user.get("id") is not None else {}
    for value in (event.get("exception") or {}).get("values") or []:
        if value.get("value"):
            value["value"] = WITHHELD
        _scrub_frames(value.get("stacktrace"))
    for thread in (event.get("threads") or {}).get("values") or []:
        _scrub_frames(thread.get("stacktrace"))
    logentry = event.get("logentry")
    if logentry:
        event["logentry"] = {"message": logentry.get("message"), "params": []}
    if event.get("message") and logentry:
        event["message"] = logentry.get("message")
    elif event.get("message"):
        event["message"] = WITHHELD
    event.pop("extra", None)
    event["contexts"] = {
        name: value for name, value in (event.get("contexts") or {}).items()
        if name in SAFE_CONTEXTS
    }
    crumbs = event.get("breadcrumbs")
    if crumbs:
        values = crumbs.get("values", []) if isinstance(crumbs, dict) else crumbs
        event["breadcrumbs"] = {
            "values": [
                {key: value for key, value in crumb.items() if key in SAFE_BREADCRUMB_KEYS}
                for crumb in values
            ]
        }
    if "spans" in event:
        event["spans"] = [_scrub_span(span) for span in event["spans"] or []]
    return original


def start_sentry(**options: Any) -> bool:
    """Start the Sentry client when SENTRY_DSN is set (web, worker and beat all load the
    core app). `options` go to `sentry_sdk.init` (a test gives a transport). True if on."""
    from django.conf import settings

    if not settings.SENTRY_DSN:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=settings.SENTRY_DSN,
        environment=settings.SENTRY_ENVIRONMENT,
        traces_sample_rate=settings.SENTRY_TRACES_SAMPLE_RATE,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "allowlist", "terms": sorted(SAFE_HEADERS)}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "queues": False,
            "stack_frame_variables": False,
        },
        max_request_body_size="never",
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        **options,
    )
    return True
