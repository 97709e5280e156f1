"""Settings come from the environment, with safe defaults."""

from __future__ import annotations

import pytest

from hub import settings as hub_settings


def test_an_empty_variable_keeps_the_default(monkeypatch):
    monkeypatch.setenv("HUB_NAME", "")
    assert hub_settings.env("HUB_NAME", "Victims' Hub") == "Victims' Hub"


def test_secrets_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert hub_settings.env("SECRET_KEY") == "from-a-file"


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("yes", True), ("0", False), ("", False)])
def test_booleans(monkeypatch, raw, value):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert hub_settings.env_bool("SOME_FLAG", False) is value


def test_the_database_is_postgresql(settings):
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.DATABASES["default"]["ATOMIC_REQUESTS"] is True


def _manage_without_database(*args: str):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args], cwd=Path(__file__).resolve().parents[2],
        env=env, capture_output=True, text=True, timeout=120,
    )


def test_without_database_url_makemigrations_still_compares_models_and_migrations():
    """It needs no database, so the check runs anywhere; every other command refuses to
    start without one, saying how to get one."""
    compared = _manage_without_database("makemigrations", "--check", "--dry-run")
    assert compared.returncode == 0, compared.stderr
    assert "No changes detected" in compared.stdout

    refused = _manage_without_database("check")
    assert refused.returncode != 0
    assert "DATABASE_URL is not set" in refused.stderr
