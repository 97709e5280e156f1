"""Structured logs (core/logs.py): every line one JSON object with the request id, the user's
id and the route; Celery task lines with the task id; a victim's name, phone or email sent in
a request or raised in an exception never in the output."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.conf import settings
from django.db import IntegrityError
from django.urls import reverse

from core.logs import JsonFormatter
from scheduling import services
from scheduling.tasks import run_scheduled_item
from tests.factories import ScheduledItemFactory, ivna_payload

pytestmark = pytest.mark.django_db

NAME, SURNAME = "Annabel", "Quigley"
PHONE, EMAIL = "07700900987", "annabel.quigley@example.org"
PERSONAL = (NAME, SURNAME, PHONE, EMAIL)


@pytest.fixture
def log_output():
    """What the hub's logging writes while the test runs, through the formatter
    settings.LOGGING gives the console handler, as parsed JSON lines (and the raw text)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)

    def read() -> tuple[list[dict], str]:
        text = stream.getvalue()
        return [json.loads(line) for line in text.splitlines()], text

    yield read
    root.removeHandler(handler)
    root.setLevel(level)


def test_the_console_handler_writes_json():
    assert settings.LOGGING["formatters"]["json"]["()"] == "core.logs.JsonFormatter"
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "json"
    console = [h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)]
    assert console, "the root logger has no handler with the JSON formatter"


def test_a_request_writes_a_json_line_with_its_id_user_and_route(client, vcc_user, log_output):
    client.force_login(vcc_user)
    response = client.get(reverse("cases:search"), {"q": f"{NAME} {SURNAME}"},
                          headers={"X-Request-ID": "proxy-4f2a9c.17"})

    assert response.status_code == 200
    assert response["X-Request-ID"] == "proxy-4f2a9c.17"
    lines, text = log_output()
    answered = [line for line in lines if line["message"] == "request answered"]
    assert len(answered) == 1
    line = answered[0]
    assert line["request_id"] == "proxy-4f2a9c.17"
    assert line["user_id"] == vcc_user.pk
    assert line["route"] == "/cases/search/"
    assert line["view"] == "cases:search"
    assert line["status_code"] == 200
    assert {"timestamp", "level", "logger", "duration_ms"} <= set(line)
    for personal in (NAME, SURNAME, vcc_user.username):
        assert personal not in text


def test_an_unsafe_request_id_is_replaced(client, log_output):
    response = client.get(reverse("landing"), headers={"X-Request-ID": 'x" injected=1 ' * 3})

    given = response["X-Request-ID"]
    assert len(given) == 32 and given.isalnum()
    lines, text = log_output()
    assert [line["request_id"] for line in lines if line["message"] == "request answered"] == [
        given
    ]
    assert "injected" not in text


def test_a_path_with_an_id_is_logged_as_its_route(client, vcc_user, log_output):
    client.force_login(vcc_user)
    assert client.get(reverse("cases:detail", args=[987654])).status_code == 404

    lines, text = log_output()
    assert "987654" not in text
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert [line["message"] for line in not_found] == ["Not Found: /cases/<int:case_pk>/"]


def test_personal_data_in_a_body_and_an_exception_stays_out_of_the_logs(
    police_api, monkeypatch, log_output
):
    def fails(*args, **kwargs):
        # As PostgreSQL words a clash on a unique column: it quotes the value.
        raise IntegrityError(
            f'duplicate key value violates unique constraint "person_email"\n'
            f"DETAIL:  Key (email)=({EMAIL}) already exists. {NAME} {SURNAME} {PHONE}"
        )

    monkeypatch.setattr("intake.api.views.record_ivnas", fails)
    police_api.raise_request_exception = False
    payload = ivna_payload()
    payload["victim"].update(first_name=NAME, last_name=SURNAME, phone=PHONE, email=EMAIL)
    response = police_api.post("/api/v1/ivnas/", payload, format="json")

    assert response.status_code == 500
    lines, text = log_output()
    for personal in PERSONAL:
        assert personal not in text
    error = next(line for line in lines if line["logger"] == "django.request")
    assert error["level"] == "ERROR"
    assert error["message"] == "Internal Server Error: /api/v1/ivnas/"
    assert error["exc_type"] == "django.db.utils.IntegrityError"
    assert any("in post" in frame for frame in error["stack"])
    assert error["request_id"] == response["X-Request-ID"]


def test_a_celery_task_logs_with_its_id_and_without_the_error_text(monkeypatch, log_output):
    """A handler that fails with the victim's email in its message: the task's lines carry
    the task id; the worker's failure line has the class and stack, not the message. A
    WorkFailed, written to name no one, keeps its message."""
    failing = ScheduledItemFactory(kind="send_letter")
    refused = ScheduledItemFactory(kind="referral_email")

    def crash(item):
        raise ValueError(f"SMTP refused {EMAIL} for {NAME} {SURNAME}")

    def refuse(item):
        raise services.WorkFailed("the mail server refused the message")

    monkeypatch.setitem(services.HANDLERS, "send_letter", crash)
    monkeypatch.setitem(services.HANDLERS, "referral_email", refuse)
    crashed = run_scheduled_item.apply(args=[failing.pk])
    failed = run_scheduled_item.apply(args=[refused.pk])

    lines, text = log_output()
    for personal in PERSONAL:
        assert personal not in text
    crash_lines = [line for line in lines if line.get("task_id") == crashed.id]
    assert crash_lines, "no line carries the crashed task's id"
    assert all(line["task_name"] == "scheduling.tasks.run_scheduled_item"
               for line in crash_lines)
    assert any(line.get("exc_type") == "builtins.ValueError" for line in crash_lines)
    refused_lines = [line for line in lines if line.get("task_id") == failed.id]
    assert any(
        line["message"] == f"scheduled item {refused.pk} failed: "
        "the mail server refused the message"
        for line in refused_lines
    )


def test_an_exception_logged_as_the_message_is_its_class_name(log_output):
    logging.getLogger("hub.test").error(ValueError(f"no match for {NAME} {PHONE}"))

    lines, text = log_output()
    assert lines[-1]["message"] == "ValueError"
    for personal in (NAME, PHONE):
        assert personal not in text


def test_a_task_queued_by_a_request_logs_with_the_requests_id(monkeypatch, log_output):
    """The request's id goes into the task message's headers when it is published
    (before_task_publish), and the task's lines carry it (tried against a real worker too:
    a worker sets the header as an attribute of the task's request, an eager run keeps it in
    `headers`; both are read)."""
    from django.test import RequestFactory

    from core.logs import TASK_REQUEST_ID_HEADER, add_request_id_to_task, current_request

    request = RequestFactory().get("/")
    request.request_id = "proxy-77aa"
    headers: dict = {}
    token = current_request.set(request)
    try:
        add_request_id_to_task(headers=headers, body=None)
    finally:
        current_request.reset(token)
    assert headers == {TASK_REQUEST_ID_HEADER: "proxy-77aa"}
    add_request_id_to_task(headers=(outside := {}))
    assert outside == {}

    item = ScheduledItemFactory(kind="referral_email")
    monkeypatch.setitem(services.HANDLERS, "referral_email", lambda item: None)
    result = run_scheduled_item.apply(args=[item.pk], headers=headers)

    lines, _ = log_output()
    task_lines = [line for line in lines if line.get("task_id") == result.id]
    assert task_lines and all(line["request_id"] == "proxy-77aa" for line in task_lines)
