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


def _file_backend(path):
    return get_connection("django.core.mail.backends.filebased.EmailBackend", file_path=str(path))


def _letters(count: int, *, first: int = 0) -> list[EmailMessage]:
    return [
        EmailMessage(subject=f"Letter {n}", body="Hello", to=[f"v{n}@example.org"])
        for n in range(first, first + count)
    ]


def test_emails_in_counts_each_message_of_a_file(tmp_path):
    """Every message sent is found once, whichever files the backend chose to write.

    (Django names a file by the second and the connection object's id, so two connections
    in one second may share a file: how many files there are is not asserted.)"""
    messages = _letters(3)
    messages[0].attach("letter.pdf", b"%PDF-1.7 binary \x00\xff", "application/pdf")
    _file_backend(tmp_path).send_messages(messages)
    _file_backend(tmp_path).send_messages(
        [EmailMessage(subject="Another", body="x", to=["w@example.org"])]
    )

    found = emails_in(tmp_path)

    assert sorted(m["To"] for m in found) == [
        "v0@example.org",
        "v1@example.org",
        "v2@example.org",
        "w@example.org",
    ]
    with_pdf = next(m for m in found if m["To"] == "v0@example.org")
    assert [part.get_filename() for part in with_pdf.walk() if part.get_filename()] == [
        "letter.pdf"
    ]


def test_emails_in_counts_the_batches_of_one_shared_file(tmp_path):
    """Two batches in one file (one connection reused, as two connections in one second may
    also do) are still every message, once each."""
    connection = _file_backend(tmp_path)
    connection.send_messages(_letters(2))
    connection.send_messages(_letters(3, first=2))

    assert len(list(tmp_path.glob("*.log"))) == 1  # the case under test: one shared file
    assert sorted(m["Subject"] for m in emails_in(tmp_path)) == [
        f"Letter {n}" for n in range(5)
    ]
