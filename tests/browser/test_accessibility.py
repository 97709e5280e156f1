"""Every page, every role (issue 16): axe-core finds no WCAG 2.2 AA failure on any HTML page the
permission matrix lets a role open, and no page scrolls sideways on a 390-pixel phone.

The pages are the matrix's own (tests/matrix/entries.py MATRIX: each GET a role is allowed with
a 200), their object URLs filled from the matrix's world (tests/matrix/world.py). One browser,
one context per role signed in once (a session made by the test client, as if the user had
passed both sign-in steps), every page loaded once: axe at 1280 pixels, then the viewport
narrowed to 390 on the same load to measure the page's width.
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.conftest import SCREENSHOTS
from tests.factories import CaseFactory, LetterFactory, ScheduledItemFactory
from tests.matrix.entries import MATRIX
from tests.matrix.world import build_world
from tests.permissions import ANONYMOUS, MANAGER, OPCC, POLICE, VCC, VOLUNTEER, blank_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ROLES = (ANONYMOUS, POLICE, VCC, MANAGER, VOLUNTEER, OPCC)
PHONE = 390
# Swagger UI (drf-spectacular-sidecar) is a third party's page: its own markup's failures are
# listed here rather than patched; the hub's pages have no exceptions.
EXCEPTIONS = {"api-docs": {"color-contrast", "html-has-lang", "nested-interactive", "target-size"}}
# Looked at by a person after each change (issue 16): these pages at both widths, as these roles.
SCREENSHOT = {("scheduling:my_work", "vcc"), ("cases:list", "vcc"),
              ("reporting:dashboard", "manager"), ("self_referral", "anonymous")}

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, count: v.nodes.length,
    where: v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "),
  }));
}"""

# The page's width once it has been laid out again for the new viewport (a chart redraws
# itself in the next frames).
SETTLED_WIDTH = """() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(
  () => done(document.documentElement.scrollWidth))))"""

# What makes the page as wide as it is: the innermost elements whose right edge is the page's.
WIDEST = """() => {
  const width = document.documentElement.scrollWidth;
  const out = [...document.querySelectorAll("body *")].filter(
    (el) => el.getBoundingClientRect().right >= width - 1);
  return out.filter((el) => !out.some((o) => o !== el && el.contains(o))).slice(0, 3).map(
    (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + [...el.classList].map((c) => "." + c).join(""));
}"""


def a_working_morning(world) -> None:
    """What "My work" holds on a working day, beside the matrix's world: an overdue call on the
    VCC's own case, two new cases in the queue to take, and postal letters to approve."""
    now = timezone.now()
    ScheduledItemFactory(case=world.restricted, due_at=now - timedelta(days=1))
    for _ in range(2):
        ScheduledItemFactory()
    for _ in range(2):
        LetterFactory(case=CaseFactory(), kind="introductory", channel="post",
                      pdf=blank_pdf(), status="rendered", rendered_at=now)


def pages_for(actor):
    """The matrix entry of every HTML page this actor may open."""
    for view in MATRIX.views:
        outcome = view.expect.get(actor)
        if view.method != "get" or outcome is None or outcome.status != 200 \
                or not outcome.permitted:
            continue
        if view.api and view.name not in EXCEPTIONS:
            continue  # the API answers JSON; its documentation (Swagger UI) is a page
        yield view


def signed_in_context(browser, base_url: str, user):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    if user is not None:
        client = Client()
        client.force_login(user)  # tests/conftest.py: both sign-in steps passed
        context.add_cookies([{
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": base_url,
        }])
    return context


def test_every_page_passes_axe_and_fits_a_phone_for_every_role(live_server, browser,
                                                                 monkeypatch):
    # /health/ (JSON, not read here) pings Celery workers, none running: a tenth of a second's
    # wait for them rather than a second, for each role.
    monkeypatch.setattr("scheduling.health.TIMEOUT", 0.1)
    world = build_world()
    a_working_morning(world)
    started = time.monotonic()
    SCREENSHOTS.mkdir(exist_ok=True)
    failures: list[str] = []
    checked: dict[str, int] = {}
    by_rule: dict[str, int] = {}
    for actor in ROLES:
        user = getattr(world, actor.user) if actor.user else None
        context = signed_in_context(browser, live_server.url, user)
        # axe-core in every page the context loads, before the page's own scripts: one copy
        # sent to the browser, not ~550 kB over the wire again for each page.
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        page.set_default_timeout(15_000)
        for view in pages_for(actor):
            url = view.url(world)
            where = f"{view.id} ({url}) as {actor.name}"
            try:
                response = page.goto(live_server.url + url)
            except Exception as error:  # noqa: BLE001 — a download (PDF, CSV) is not a page
                if "Download is starting" in str(error):
                    continue
                raise
            if response is None or response.status != 200:
                failures.append(f"{where}: answered {response and response.status}")
                continue
            if "text/html" not in response.headers.get("content-type", ""):
                continue  # JSON, YAML, PDF: not a page to read
            checked[actor.name] = checked.get(actor.name, 0) + 1
            shot = f"16-{view.name.replace(':', '-')}-{actor.name}" \
                if (view.name, actor.name) in SCREENSHOT else None
            if shot:
                page.screenshot(path=str(SCREENSHOTS / f"{shot}-1280.png"), full_page=True)
            allowed = EXCEPTIONS.get(view.name, set())
            for violation in page.evaluate(RUN_AXE, WCAG_22_AA):
                if violation["id"] in allowed:
                    continue
                by_rule[violation["id"]] = by_rule.get(violation["id"], 0) + violation["count"]
                failures.append(f"{where}: {violation['id']} ×{violation['count']} "
                                f"at {violation['where']}")
            page.set_viewport_size({"width": PHONE, "height": 900})
            width = page.evaluate(SETTLED_WIDTH)
            if shot:
                page.screenshot(path=str(SCREENSHOTS / f"{shot}-{PHONE}.png"), full_page=True)
            if width > PHONE:
                spilling = ", ".join(page.evaluate(WIDEST))
                failures.append(f"{where}: {width} px wide at {PHONE} px ({spilling})")
            page.set_viewport_size({"width": 1280, "height": 900})
        context.close()
    elapsed = time.monotonic() - started
    # What the run found and how long it took, beside the screenshots (tests/conftest.py).
    (SCREENSHOTS / "accessibility.txt").write_text(
        f"axe + {PHONE} px: {sum(checked.values())} pages {checked} in {elapsed:.1f} s; "
        f"violations by rule: {by_rule}\n"
    )
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)
