"""Structured logs: one JSON object a line, with the request id and nothing about a victim.

Every line has `timestamp` (UTC, ISO 8601), `level`, `logger` and `message`, and, where
there is one, `request_id`, `user_id` (the id, never a name), `method`, `route` (the URL
pattern, e.g. ``/cases/<int:case_pk>/``, never the path a person asked for, which may carry an
id or a search term), `view` (the route's name), `status_code`, `duration_ms` and, in a Celery
task, `task_id`, `task_name` and the `request_id` of the request that queued it. An exception
is logged as its class name and its stack (file, line, function, source line), never its
message.

Why a small formatter of our own rather than python-json-logger: that library copies every
attribute a caller passes in `extra` into the line, and Django passes the request object with
every `django.request` record (its repr holds the full path and query string), Celery its
task's arguments and the exception text. A list of the fields that may be written is the
safer default, and with it the library's part would be `json.dumps`.

What keeps personal data out, besides the fields above:
- an exception passed as an argument of a message ("item %s failed: %s", pk, error) is
  written as its class name: database errors quote the values that failed ("Key
  (email)=(ann@example.org) already exists"). An exception class that sets
  `safe_to_log = True` (its messages are written for the rows and name no one) keeps it;
- Django's request paths in its own messages ("Not Found: /people/12/") become the route;
- Celery's failure and success messages have the exception text, the task's arguments and
  its return value withheld;
- runserver's request lines (`django.server`) keep the method only.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.utils.functional import empty

REQUEST_ID_HEADER = "X-Request-ID"
# A request id taken from a proxy or client: letters, digits, "-", "_" and "." only, up to 64
# characters (a UUID, a hex trace id). Anything else is replaced by one of our own, so a
# client cannot write into the logs.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
WITHHELD = "[withheld]"
# Keys of a mapping of message arguments whose values may hold personal data (Celery's
# messages about a task: the exception text, the task's arguments and its return value).
WITHHELD_KEYS = frozenset({"exc", "traceback", "args", "kwargs", "return_value", "data"})
# Fields a caller may pass in `extra` and that are written to the line.
EXTRA_FIELDS = ("status_code", "duration_ms")

current_request: ContextVar[Any] = ContextVar("current_request", default=None)


def request_id_from(header: str | None) -> str:
    """The incoming X-Request-ID if it is a safe token, else a new random one."""
    if header and SAFE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def route_of(request: Any) -> str | None:
    """The URL pattern the request matched (``cases/<int:pk>/``), or None before or without
    a match (a 404: the path is not written at all)."""
    match = getattr(request, "resolver_match", None)
    return None if match is None else "/" + match.route


def loaded_user_id(request: Any) -> int | None:
    """The signed-in user's id, if the request has already loaded the user: logging never
    queries the database for it (a log line may be written while the database is down)."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    if getattr(user, "_wrapped", None) is empty:  # the session user, not yet looked up
        return None
    return user.pk if getattr(user, "is_authenticated", False) else None


def _safe_arg(value: Any) -> Any:
    if isinstance(value, BaseException):
        # An exception whose class says its messages name no one (safe_to_log = True, as
        # scheduling's WorkFailed) keeps its message; any other is its class name only.
        return str(value) if getattr(value, "safe_to_log", False) else type(value).__name__
    return value


def _safe_args(record: logging.LogRecord, request: Any) -> Any:
    args = record.args
    if isinstance(args, dict):
        return {
            key: WITHHELD if key in WITHHELD_KEYS else _safe_arg(value)
            for key, value in args.items()
        }
    if not isinstance(args, tuple):
        return args
    if record.name == "django.server" and args:
        # runserver's request line ('"GET /people/?q=Ann HTTP/1.1" 200 512'): the method.
        return (str(args[0]).split(" ", 1)[0], *args[1:])
    if request is not None:
        path = request.path
        paths = {path, path.encode("unicode_escape").decode("ascii")}
        route = route_of(request) or WITHHELD
        return tuple(route if arg in paths else _safe_arg(arg) for arg in args)
    return tuple(_safe_arg(arg) for arg in args)


def _message(record: logging.LogRecord) -> str:
    request = getattr(record, "request", None) or current_request.get()
    args = _safe_args(record, request)
    message = str(_safe_arg(record.msg))  # `log.error(error)`: the class name, as an argument
    if not args:
        return message
    try:
        return message % args
    except (TypeError, ValueError, KeyError):
        return message


def exception_fields(exc_info: Any) -> dict[str, Any]:
    """An exception as its class names (with those it was raised from) and its stack: the
    messages are left out, as they may quote what a person typed."""
    _, error, tb = exc_info
    names, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        names.append(f"{type(error).__module__}.{type(error).__qualname__}")
        error = error.__cause__ or error.__context__
    stack = [
        f"{frame.filename}:{frame.lineno} in {frame.name}: {(frame.line or '').strip()}"
        for frame in traceback.extract_tb(tb)
    ]
    return {"exc_type": names[0] if names else None, "exc_chain": names[1:], "stack": stack}


def _task() -> Any:
    from celery import current_task

    return current_task if current_task else None


TASK_REQUEST_ID_HEADER = "hub_request_id"


def add_request_id_to_task(headers: dict | None = None, **kwargs: Any) -> None:
    """Celery's before_task_publish: a task queued while answering a request carries the
    request's id, and its lines in the worker's log carry it as `request_id` (a letter that
    fails is traced to the IVNA that queued it). Connected in core.apps."""
    request = current_request.get()
    if request is not None and headers is not None:
        headers.setdefault(TASK_REQUEST_ID_HEADER, getattr(request, "request_id", None))


def _task_request_id(task: Any) -> str | None:
    # A worker sets a message's own headers as attributes of the task's request; an eager
    # run (apply) keeps them in `headers`.
    found = getattr(task.request, TASK_REQUEST_ID_HEADER, None)
    return found or (getattr(task.request, "headers", None) or {}).get(TASK_REQUEST_ID_HEADER)


class JsonFormatter(logging.Formatter):
    """One JSON object a line (see the module docstring)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": _message(record),
        }
        request = current_request.get()
        if request is not None:
            match = getattr(request, "resolver_match", None)
            line.update(
                request_id=getattr(request, "request_id", None),
                user_id=loaded_user_id(request),
                method=request.method,
                route=route_of(request),
                view=match.view_name if match else None,
            )
        task = _task()
        if task is not None:
            line.update(task_id=task.request.id, task_name=task.name)
            if request is None and _task_request_id(task):
                line["request_id"] = _task_request_id(task)
        for name in EXTRA_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info and record.exc_info[0] is not None:
            line.update(exception_fields(record.exc_info))
        return json.dumps(line, default=str)
