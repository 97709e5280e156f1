"""A high-risk domestic abuse victim's introductory email is held for a VCC's safety check
(issue 12): the VCC finds it on My work, checks where it goes and what it says, and approves
it; only then is it sent."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.roles import Role
from cases.choices import Marker, Route
from contact.models import Letter
from contact.services import queue_letter
from scheduling.services import dispatch_due_items
from tests.factories import CaseFactory, CrimeFactory, PersonFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_high_risk_da_victims_email_waits_for_the_safety_check(
    live_server, page, screenshot, sign_in
):
    user_with_role(Role.VCC, username="vcc-patel")
    person = PersonFactory(first_name="Dana", last_name="Example", email="dana@example.org")
    case = CaseFactory(
        person=person, route=Route.HIGH_RISK,
        crime=CrimeFactory(markers=[Marker.DOMESTIC_ABUSE]),
    )
    letter = queue_letter(case=case, kind="introductory")
    assert letter is not None
    dispatch_due_items()
    assert mail.outbox == []  # rendered, held for the check
    base = live_server.url

    sign_in(base, "vcc-patel")
    page.goto(f"{base}/work/")
    table = page.locator("[data-testid=letters-to-check]")
    assert case.reference in table.inner_text()
    assert table.locator("input[type=checkbox]").count() == 0
    screenshot("40-my-work-letters-to-check")

    table.get_by_role("link", name=f"Check the letter for {case.reference}").click()
    assert page.locator("[data-testid=recipient]").inner_text() == "dana@example.org"
    assert "Dear Dana" in page.locator("[data-testid=letter-text]").inner_text()
    screenshot("41-letter-safety-check")

    page.get_by_role("button", name="Approve and send").click()
    assert "approved and will be sent" in page.content()
    assert dispatch_due_items() >= 1
    assert [m.to for m in mail.outbox] == [["dana@example.org"]]
    page.reload()
    status = page.locator("[data-testid=letters]").inner_text()
    assert "Sent" in status and "Checked and approved by" in status
    screenshot("42-case-letter-approved-and-sent")
    assert Letter.objects.get(pk=letter.pk).approved_by.username == "vcc-patel"
