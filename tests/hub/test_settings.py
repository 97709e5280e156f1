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
