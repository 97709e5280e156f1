"""Headers, sessions and production settings (issue: data protection and hardening)."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from core.middleware import LOGIN_AT

BASE_DIR = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_every_page_gets_a_strict_csp_and_no_store(client, vcc_user):
    client.force_login(vcc_user)
    for url in (reverse("landing"), reverse("cases:list"), reverse("login")):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response["Cache-Control"] == "no-store"


def test_no_template_has_inline_script_or_style():
    offenders = []
    for path in (BASE_DIR / "templates").rglob("*.html"):
        if path.parts[-2] == "letters" or path.name == "document.html" or "pdf" in path.name:
            continue  # PDFs rendered by WeasyPrint, never served as pages
        text = path.read_text()
        for match in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text):
            offenders.append(f"{path.name}: {match.group(0)}")
        if re.search(r'\sstyle="', text) or "<style" in text:
            offenders.append(f"{path.name}: inline style")
    assert not offenders


def test_an_idle_session_ends_after_30_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_a_session_ends_after_the_absolute_limit(client, vcc_user, settings):
    client.force_login(vcc_user)
    session = client.session
    limit = settings.HUB_SESSION_ABSOLUTE_HOURS * 3600
    session[LOGIN_AT] = timezone.now().timestamp() - (limit + 1)
    session.save()
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("cases:list")).status_code == 302  # signed out for good


def test_disabling_an_account_ends_its_sessions(client, vcc_user):
    client.force_login(vcc_user)
    assert client.get(reverse("cases:list")).status_code == 200
    vcc_user.is_active = False
    vcc_user.save(update_fields=["is_active"])
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_check_deploy_reports_nothing_with_production_settings():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "hub.example.police.uk",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_COOKIES": "1",
        "BEHIND_PROXY": "1",
        "EMAIL_HOST": "smtp.example.police.uk",
    }
    env.pop("HUB_EMBEDDED", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
