"""The case page's Victims' Code rights panel in Chromium (issue 15): a case with one right
overdue shows it in red on the panel, at desktop and phone widths, and the same right is on
the VCC's "My work"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from tests.factories import CaseFactory, PersonFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_overdue_right_is_on_the_panel_and_on_my_work(live_server, page, screenshot, sign_in):
    vcc = user_with_role(Role.VCC, username="vcc-adeyemi")
    case = CaseFactory(
        person=PersonFactory(first_name="Rosa", last_name="Overdue-Llanfairpwllgwyngyllgogerych"),
        allocated_to=vcc,
        status="awaiting_contact", enhanced_entitlement=True,
        contact_due_at=timezone.now() - timedelta(hours=20),
    )
    sign_in(live_server.url, "vcc-adeyemi")

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    panel = page.get_by_test_id("rights-panel")
    assert "1 overdue" in panel.get_by_test_id("rights-summary").inner_text()
    overdue = panel.get_by_test_id("right-4")
    assert "Overdue" in overdue.inner_text() and "The Victims' Hub" in overdue.inner_text()
    assert "Not yet recorded" in panel.get_by_test_id("right-5").inner_text()
    panel.get_by_text("Justice process (0 steps)").click()
    assert panel.get_by_role("link", name="Add a step of the justice process").is_visible()
    screenshot("15-rights-panel-overdue-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert overdue.is_visible()
    screenshot("15-rights-panel-overdue-390")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/work/")
    rows = page.get_by_test_id("rights-overdue").inner_text()
    assert "Victims' Code right 4 overdue" in rows
    assert case.reference in rows and "Rosa Overdue-Llanfairpwllgwyngyllgogerych" in rows
    # On a phone the list scrolls on its own; the page never widens (it did, to 673 px at
    # 390 with this name, before the table had its scroll box).
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_test_id("rights-overdue").get_by_role("link", name=case.reference).click()
    page.wait_for_url(f"**/cases/{case.pk}/#victims-code-rights")
