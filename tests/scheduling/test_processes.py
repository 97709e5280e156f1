"""The helpers that start real processes for the Redis tests (tests.processes)."""

from __future__ import annotations

import dj_database_url
from django.core.mail import EmailMessage, get_connection
from django.db import connection

from tests.processes import emails_in, test_database_url


def test_database_url_for_a_unix_socket_directory(monkeypatch):
    settings_dict = connection.settings_dict
    monkeypatch.setitem(settings_dict, "NAME", "test_hub")
    monkeypatch.setitem(settings_dict, "USER", "postgres")
    monkeypatch.setitem(settings_dict, "PASSWORD", "")
    monkeypatch.setitem(settings_dict, "HOST", "/work/main/.pgdata/run")
    monkeypatch.setitem(settings_dict, "PORT", "")

    url = test_database_url()

    assert url == "postgres://postgres@%2Fwork%2Fmain%2F.pgdata%2Frun/test_hub"
    parsed = dj_database_url.parse(url)
    assert (parsed["HOST"], parsed["NAME"], parsed["USER"]) == (
        "/work/main/.pgdata/run",
        "test_hub",
        "postgres",
    )


def test_database_url_for_a_tcp_server(monkeypatch):
    settings_dict = connection.settings_dict
    monkeypatch.setitem(settings_dict, "NAME", "test_hub_sched")
    monkeypatch.setitem(settings_dict, "USER", "hub")
    monkeypatch.setitem(settings_dict, "PASSWORD", "p@ss/word")
    monkeypatch.setitem(settings_dict, "HOST", "127.0.0.1")
    monkeypatch.setitem(settings_dict, "PORT", 5432)

    parsed = dj_database_url.parse(test_database_url())

    assert parsed["HOST"] == "127.0.0.1"
    assert int(parsed["PORT"]) == 5432
    assert (parsed["NAME"], parsed["USER"], parsed["PASSWORD"]) == (
        "test_hub_sched",
        "hub",
        "p@ss/word",
    )


def test_emails_in_counts_each_message_of_a_file(tmp_path):
    def backend():
        return get_connection(
            "django.core.mail.backends.filebased.EmailBackend", file_path=str(tmp_path)
        )

    messages = [
        EmailMessage(subject=f"Letter {n}", body="Hello", to=[f"v{n}@example.org"])
        for n in range(3)
    ]
    messages[0].attach("letter.pdf", b"%PDF-1.7 binary \x00\xff", "application/pdf")
    backend().send_messages(messages)  # one connection: one file, three messages
    backend().send_messages([EmailMessage(subject="Another", body="x", to=["w@example.org"])])

    found = emails_in(tmp_path)

    assert len(list(tmp_path.glob("*.log"))) == 2
    assert sorted(m["To"] for m in found) == [
        "v0@example.org",
        "v1@example.org",
        "v2@example.org",
        "w@example.org",
    ]
