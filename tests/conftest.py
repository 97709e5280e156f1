"""Shared fixtures: one user per role, an API client per machine role, and eager Celery."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role
from accounts.services import create_api_client
from tests.factories import user_with_role


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_collection_modifyitems(items):
    """Shuffled, but in Django's order: tests in a rolled-back transaction, then transactional
    ones, then those without the database. A transactional test empties every table when it
    ends, the rows the migrations seed too (the service directory, the retention schedule), so
    a test that reads them must not come after one (Django's runner and pytest-django order
    them so; pytest-randomly's shuffle, inside this wrapper, undoes it). The sort is stable: the
    shuffled order stays within each group."""
    result = yield
    from pytest_django.plugin import pytest_collection_modifyitems as in_djangos_order

    in_djangos_order(items)
    return result


def pytest_terminal_summary(terminalreporter, config):
    """The test order's seed, at the end of every run (pytest-randomly shuffles the order each
    run; its header line is hidden by -q): rerun a failure in the same order with it."""
    if config.pluginmanager.hasplugin("randomly"):
        seed = config.getoption("randomly_seed")
        terminalreporter.write_line(
            f"Test order shuffled by pytest-randomly: rerun it with -p randomly "
            f"--randomly-seed={seed} (or keep file order with -p no:randomly)"
        )


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    # Unit tests run tasks in-process; the Redis tests opt back into the real broker.
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture(autouse=True)
def _second_factor_passed(monkeypatch):
    """`client.force_login(user)` stands for a user who has passed both steps of signing in:
    the password and the TOTP code. (Tests of the two-factor flow sign in through the pages.)
    """
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if getattr(user, "is_api_client", False):
            return
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _figures_worked_out_each_time(settings):
    # Tests change the data and read the figures again at once; the cache of figures
    # (reporting/cache.py) has tests of its own that turn it on.
    settings.HUB_FIGURES_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Factories make many users; the real hasher would make the suite take minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _name(first: str, last: str) -> dict:
    # Fixed, unusual names: a name drawn at random (Faker, seeded per test by pytest-randomly)
    # could be one a test looks for on a page, and fail one seed in many.
    return {"first_name": first, "last_name": last}


@pytest.fixture
def police_user(db):
    return user_with_role(Role.POLICE, username="officer", **_name("Olwen", "Pryce-Officer"))


@pytest.fixture
def vcc_user(db):
    return user_with_role(Role.VCC, username="vcc1", **_name("Verity", "Callow-Caseworker"))


@pytest.fixture
def manager_user(db):
    return user_with_role(Role.MANAGER, username="manager1", **_name("Morwenna", "Hale-Manager"))


@pytest.fixture
def volunteer_user(db):
    return user_with_role(Role.VOLUNTEER, username="volunteer1", **_name("Valda", "Volunteer-Test"))


@pytest.fixture
def opcc_user(db):
    return user_with_role(Role.OPCC, username="opcc1", **_name("Odette", "Analyst-Test"))


def _token_client(role: str, name: str) -> APIClient:
    _, key = create_api_client(name=name, role=role)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def police_api(db) -> APIClient:
    """The force's crime system."""
    return _token_client(Role.POLICE, "crime-system")


@pytest.fixture
def transfer_api(db) -> APIClient:
    """Another force's (or Action Fraud's, BTP's) system: a transfer sender."""
    return _token_client(Role.TRANSFER_SENDER, "transfer-sender")


@pytest.fixture
def opcc_api(db) -> APIClient:
    return _token_client(Role.OPCC, "opcc-analyst")


# --- Browser tests: Playwright driving Debian's Chromium (one browser per session) -------

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
