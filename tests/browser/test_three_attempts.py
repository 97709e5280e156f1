"""A VCC makes three failed calls on three days, sees the follow-up letter and downloads it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from accounts.roles import Role
from contact.models import Letter
from scheduling.services import dispatch_due_items
from tests.factories import CaseFactory, PersonFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def last_week_monday() -> date:
    today = date.today()
    return today - timedelta(days=today.weekday() + 7)


def test_three_failed_calls_then_the_follow_up_letter(
    live_server, page, screenshot, tmp_path, sign_in
):
    user_with_role(Role.VCC, username="vcc-jones")
    person = PersonFactory(
        first_name="Brian", last_name="Sample", phone="07700900456", email="",
        address_line1="2 Mill Lane", town="St Ives", postcode="PE27 5AA",
    )
    case = CaseFactory(person=person, route="hub_contact", status="awaiting_contact")
    base = live_server.url

    sign_in(base, "vcc-jones")

    monday = last_week_monday()
    calls = [(monday, "10:15"), (monday + timedelta(days=1), "14:30"),
             (monday + timedelta(days=2), "18:05")]
    for number, (day, at) in enumerate(calls, start=1):
        page.goto(f"{base}/cases/{case.pk}/")
        page.get_by_role("button", name="Record a call").click()
        page.fill("#id_made_on", day.isoformat())
        page.fill("#id_made_at_time", at)
        page.check("input[name=outcome][value=no_answer]")
        if number == 2:
            screenshot("10-record-call")
        page.get_by_role("button", name="Record the call").click()
        if number < 3:
            assert f"{['First', 'Second'][number - 1]} attempt recorded. Next attempt: " in (
                page.content()
            )
        else:
            assert "Third attempt recorded. The case is now 'No contact" in page.content()
            assert "a follow-up letter has been queued." in page.content()

    # The rules refuse a fourth call.
    assert page.locator("[data-testid=case-status]").inner_text() == (
        "No contact made (follow-up letter)"
    )
    assert page.get_by_role("button", name="Record a call").count() == 0

    # The follow-up letter was queued by itself; the scheduler renders it.
    assert Letter.objects.get(case=case, kind="no_contact").status == "queued"
    assert dispatch_due_items() >= 1
    page.reload()
    assert page.locator("[data-testid=letter-status-no_contact]").inner_text() == "Not sent yet"
    log = page.locator("[data-testid=contact-log]").inner_text()
    assert log.count("no answer") == 3
    screenshot("11-case-after-three-calls")

    page.locator(".govuk-tabs__tab[href='#letters']").click()
    with page.expect_download() as download_info:
        name = "Download PDF of the follow-up letter (no contact made)"
        page.get_by_role("link", name=name).click()
    path = tmp_path / "letter.pdf"
    download_info.value.save_as(path)
    text = "".join(p.extract_text() for p in PdfReader(path).pages)
    assert "Brian Sample" in text
    assert case.reference in text
