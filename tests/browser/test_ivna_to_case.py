"""A police officer submits an IVNA in the browser; a VCC signs in and opens that case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from cases.models import Case
from tests.factories import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_police_submit_an_ivna_and_a_vcc_opens_the_case(live_server, page, screenshot, sign_in):
    user_with_role(Role.POLICE, username="pc-smith")
    user_with_role(Role.VCC, username="vcc-jones")
    base = live_server.url
    offence = timezone.localdate() - timedelta(days=1)

    page.goto(f"{base}/")
    screenshot("01-landing")
    sign_in(base, "pc-smith")
    page.goto(f"{base}/ivnas/new/")

    # First an incomplete form: the GOV.UK error summary names what is missing.
    page.get_by_role("button", name="Submit IVNA").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter the crime reference" in summary.inner_text()
    screenshot("02-ivna-errors")

    page.fill("#id_reference", "CF/24680/25")
    page.select_option("#id_crime_type", "violence_against_the_person")
    page.fill("#id_offence_date_0", str(offence.day))
    page.fill("#id_offence_date_1", str(offence.month))
    page.fill("#id_offence_date_2", str(offence.year))
    page.check("input[name=markers][value=domestic_abuse]")
    page.fill("#id_police_person_id", "N-424242")
    page.fill("#id_first_name", "Ann")
    page.fill("#id_last_name", "Example")
    page.fill("#id_date_of_birth_0", "17")
    page.fill("#id_date_of_birth_1", "5")
    page.fill("#id_date_of_birth_2", "1980")
    page.check("input[name=gender][value=female]")
    page.fill("#id_phone", "07700900123")
    page.select_option("#id_district", "fenland")
    page.check("input[name=dash_risk][value=medium]")
    page.check("input[name=needs_support][value=yes]")
    # Every safety and consent answer is the officer's to give: none is ticked ready.
    for name, value in (("interpreter_needed", "no"), ("safe_to_call", "yes"),
                        ("may_leave_message", "no"), ("safe_to_write", "yes"),
                        ("mash_referral", "no"), ("supported_elsewhere", "no"),
                        ("consent_to_contact", "yes")):
        page.check(f"input[name={name}][value={value}]")
    screenshot("03-ivna-filled")
    page.get_by_role("button", name="Submit IVNA").click()

    reference = page.locator("[data-testid=case-reference]").inner_text()
    assert page.locator("[data-testid=route]").inner_text() == "Hub contact"
    assert "within one working day" in page.content()  # domestic abuse: enhanced
    screenshot("04-ivna-submitted")
    case = Case.objects.get()
    assert reference == case.reference

    # The officer cannot open hub casework.
    response = page.goto(f"{base}/cases/{case.pk}/")
    assert response.status == 403
    sign_out(page)

    sign_in(base, "vcc-jones")
    # The VCC starts the day on "My work": the new victim's first call is in the queue.
    assert page.url.endswith("/work/")
    assert reference in page.locator("[data-testid=work-item]").first.inner_text()
    screenshot("05a-my-work")
    # The header's search (issue 16), by name; the term stays out of the URL.
    search = page.get_by_role("search", name="Cases")
    search.locator("#header-search-q").fill("Ann Example")
    search.get_by_role("button", name="Search").click()
    assert "Ann" not in page.url
    screenshot("05-case-list")
    page.click(f"a:has-text('{reference}')")
    assert page.locator("h1").inner_text() == "Ann Example"
    assert page.locator("[data-testid=case-status]").inner_text() == "Awaiting contact"
    assert "Domestic abuse" in page.content()
    screenshot("06-case-page")
