"""Browser tests drive Debian's Chromium through Playwright against the live server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is missing: `make test` installs it with apt-get.")
        pytest.skip("chromium is not installed")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls in the
    # test (fixtures, assertions) are still synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def current_code(device) -> str:
    """The code an authenticator app would show now for this device."""
    from django_otp.oath import totp

    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


@pytest.fixture
def sign_in(page):
    """Sign in through the real pages: the password, then the code from the authenticator
    app (a TOTP device is linked to the user first, as if they had set it up)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    def go(base_url: str, username: str, password: str = "correct-horse-battery") -> None:  # noqa: S107
        user = User.objects.get(username=username)
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": "work phone"}
        )
        page.goto(f"{base_url}/sign-in/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.get_by_role("button", name="Sign in").click()
        page.fill("#id_token", current_code(device))
        page.get_by_role("button", name="Continue").click()

    return go
