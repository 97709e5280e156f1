"""Sentry (core/sentry.py): off without SENTRY_DSN; with it, no personal data leaves in an
event. The hook is checked on a realistic event holding a victim's details, and the whole
path on a real error in an IVNA request, captured by a fake transport instead of sent."""

from __future__ import annotations

import copy
import json

import pytest
import sentry_sdk
from django.db import IntegrityError
from sentry_sdk.transport import Transport

from core.sentry import scrub_event, start_sentry
from tests.factories import ivna_payload

NAME, SURNAME = "Annabel", "Quigley"
PHONE, EMAIL, POSTCODE = "07700900987", "annabel.quigley@example.org", "PE13 9ZZ"
SECRETS = ("sessionid-value-9d8e7f", "token-value-1a2b3c", "203.0.113.77")
PERSONAL = (NAME, SURNAME, PHONE, EMAIL, POSTCODE, "vcc1", "verity@example.police.uk")


def realistic_event() -> dict:
    """An error event as Sentry's Django, Celery and logging integrations build it when
    personal data is let through (send_default_pii=True, local variables on)."""
    victim = {"first_name": NAME, "last_name": SURNAME, "phone": PHONE, "email": EMAIL,
              "address": {"postcode": POSTCODE}}
    return {
        "event_id": "0" * 32,
        "level": "error",
        "transaction": "/api/v1/ivnas/",
        "request": {
            "method": "POST",
            "url": f"https://hub.example/cases/search/?q={NAME}+{SURNAME}",
            "query_string": f"q={NAME}+{SURNAME}",
            "data": {"victim": victim},
            "cookies": {"sessionid": SECRETS[0]},
            "headers": {"Authorization": f"Token {SECRETS[1]}", "Cookie": f"sessionid={SECRETS[0]}",
                        "X-Forwarded-For": SECRETS[2], "Content-Type": "application/json",
                        "X-Request-ID": "proxy-4f2a9c", "Referer": f"https://hub.example/?q={NAME}"},
            "env": {"REMOTE_ADDR": SECRETS[2], "SERVER_NAME": "web"},
        },
        "user": {"id": 42, "username": "vcc1", "email": "verity@example.police.uk",
                 "ip_address": SECRETS[2]},
        "exception": {"values": [{
            "type": "IntegrityError",
            "module": "django.db.utils",
            "value": f"Key (email)=({EMAIL}) already exists.",
            "stacktrace": {"frames": [{
                "filename": "intake/services.py", "function": "record_ivna", "lineno": 240,
                "context_line": "person = Person.objects.create(**fields)",
                "vars": {"fields": repr(victim), "submission": repr(victim)},
            }]},
        }]},
        "threads": {"values": [{"stacktrace": {"frames": [{"vars": {"phone": PHONE}}]}}]},
        "logentry": {"message": "could not match %s", "params": [f"{NAME} {SURNAME}"]},
        "message": f"could not match {NAME} {SURNAME}",
        "extra": {"celery-job": {"args": [EMAIL], "kwargs": {"phone": PHONE}}},
        "contexts": {"runtime": {"name": "CPython"}, "trace": {"trace_id": "1" * 32},
                     "celery_job": {"args": [EMAIL]}, "victim": victim},
        "breadcrumbs": {"values": [
            {"category": "query", "type": "default", "timestamp": "2026-12-03T10:00:00Z",
             "message": f"SELECT ... WHERE last_name = '{SURNAME}'",
             "data": {"db.params": [SURNAME]}},
            {"category": "hub.request", "level": "info", "message": f"search {NAME}"},
        ]},
        "spans": [{"op": "db", "description": "SELECT ... WHERE id = %s", "data": {"p": PHONE},
                   "span_id": "a" * 16},
                  {"op": "db.redis", "description": f"GET ratelimit:{SECRETS[2]}",
                   "span_id": "b" * 16}],
    }


def test_the_hook_strips_a_victims_details_from_an_event():
    scrubbed = scrub_event(copy.deepcopy(realistic_event()), {})
    text = json.dumps(scrubbed)

    for value in (*PERSONAL, *SECRETS):
        assert value not in text, f"{value!r} survived the scrub"
    # What a developer needs survives: the error's class, where, the user's id, the route.
    error = scrubbed["exception"]["values"][0]
    assert error["type"] == "IntegrityError"
    assert error["stacktrace"]["frames"][0]["function"] == "record_ivna"
    assert "vars" not in error["stacktrace"]["frames"][0]
    assert scrubbed["user"] == {"id": 42}
    assert scrubbed["request"] == {
        "method": "POST", "url": "https://hub.example/cases/search/",
        "headers": {"Content-Type": "application/json", "X-Request-ID": "proxy-4f2a9c"},
    }
    assert scrubbed["logentry"] == {"message": "could not match %s", "params": []}
    assert set(scrubbed["contexts"]) == {"runtime", "trace"}
    assert scrubbed["spans"][0]["description"] == "SELECT ... WHERE id = %s"


class CapturingTransport(Transport):
    """Keeps what would be sent to Sentry."""

    def __init__(self, options=None):
        super().__init__(options)
        self.sent: list[bytes] = []

    def capture_envelope(self, envelope):
        self.sent.append(envelope.serialize())


@pytest.fixture
def sentry_on(settings):
    settings.SENTRY_DSN = "https://publickey@sentry.example.invalid/1"
    assert start_sentry(transport=CapturingTransport)
    client = sentry_sdk.get_client()
    yield client.transport
    client.close()
    sentry_sdk.get_global_scope().set_client(None)


def test_sentry_is_off_without_a_dsn(settings):
    settings.SENTRY_DSN = ""
    assert start_sentry() is False
    assert not sentry_sdk.get_client().is_active()


@pytest.mark.django_db
def test_an_error_in_an_ivna_request_reaches_sentry_without_the_victim(
    sentry_on, police_api, monkeypatch
):
    def fails(*args, **kwargs):
        raise IntegrityError(f"DETAIL:  Key (email)=({EMAIL}) already exists. {NAME} {PHONE}")

    monkeypatch.setattr("intake.api.views.record_ivnas", fails)
    police_api.raise_request_exception = False
    payload = ivna_payload()
    payload["victim"].update(first_name=NAME, last_name=SURNAME, phone=PHONE, email=EMAIL)
    payload["victim"]["address"]["postcode"] = POSTCODE
    police_api.cookies["sessionid"] = SECRETS[0]
    response = police_api.post("/api/v1/ivnas/", payload, format="json",
                               headers={"X-Forwarded-For": SECRETS[2]})

    assert response.status_code == 500
    sent = b"".join(sentry_on.sent).decode()
    assert '"type":"IntegrityError"' in sent.replace(" ", "")
    assert "/api/v1/ivnas/" in sent
    for value in (*PERSONAL, *SECRETS, police_api._credentials["HTTP_AUTHORIZATION"].split()[1]):
        assert value not in sent, f"{value!r} was sent to Sentry"
