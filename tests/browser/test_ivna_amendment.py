"""An officer corrects an IVNA in the browser; the VCC sees what changed and decides what the
hub does not apply by itself (issue 11)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from cases.models import Case, Person
from tests.factories import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_ivna(page, *, phone: str, dash: str) -> None:
    offence = timezone.localdate() - timedelta(days=1)
    page.fill("#id_reference", "CF/13579/25")
    page.select_option("#id_crime_type", "violence_against_the_person")
    page.fill("#id_offence_date_0", str(offence.day))
    page.fill("#id_offence_date_1", str(offence.month))
    page.fill("#id_offence_date_2", str(offence.year))
    page.check("input[name=markers][value=domestic_abuse]")
    page.fill("#id_police_person_id", "N-135790")
    page.fill("#id_first_name", "Dana")
    page.fill("#id_last_name", "Corrected")
    page.check("input[name=gender][value=female]")
    page.fill("#id_phone", phone)
    page.select_option("#id_district", "peterborough")
    page.check(f"input[name=dash_risk][value={dash}]")
    page.check("input[name=needs_support][value=yes]")
    for name, value in (("interpreter_needed", "no"), ("safe_to_call", "yes"),
                        ("may_leave_message", "no"), ("safe_to_write", "yes"),
                        ("mash_referral", "no"), ("supported_elsewhere", "no"),
                        ("consent_to_contact", "yes")):
        page.check(f"input[name={name}][value={value}]")
    page.get_by_role("button", name="Submit IVNA").click()


def test_an_officer_corrects_an_ivna_and_the_vcc_decides_the_rest(
    live_server, page, screenshot, sign_in
):
    user_with_role(Role.POLICE, username="pc-amend")
    user_with_role(Role.VCC, username="vcc-amend")
    base = live_server.url

    sign_in(base, "pc-amend")
    page.goto(f"{base}/ivnas/new/")
    fill_ivna(page, phone="07700900111", dash="medium")
    assert page.locator("[data-testid=route]").inner_text() == "Hub contact"

    # The same crime and victim again, with a higher risk and a new phone number.
    page.goto(f"{base}/ivnas/new/")
    fill_ivna(page, phone="07700900222", dash="high")
    assert page.locator("h1").inner_text() == "Changes added to the case"
    assert "your changes were added to the existing case" in page.content()
    assert "MASH" in page.locator("[data-testid=route]").inner_text()  # re-triaged up
    screenshot("amend-01-officer-told")
    page.get_by_role("button", name="Sign out").click()

    case = Case.objects.get()
    assert case.status == "high_risk"
    sign_in(base, "vcc-amend")
    page.goto(f"{base}/cases/{case.pk}/")
    banner = page.locator("[data-testid=police-changes]")
    assert "07700 900111" in banner.inner_text() and "07700 900222" in banner.inner_text()
    assert page.locator("[data-testid=ivna-version]").count() == 2
    screenshot("amend-02-case-page-changes")

    page.fill("input[name=reason]", "Checked with the officer in the case")
    page.get_by_role("button", name="Accept").click()
    assert "the change from the police was accepted" in page.content()
    assert page.locator("[data-testid=police-changes]").count() == 0
    assert Person.objects.get().phone == "+447700900222"  # E.164 (core/phones.py)
    screenshot("amend-03-accepted")
