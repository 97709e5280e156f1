"""A victim's support from start to end, and a self-referral, driven through the browser.

Test 1 follows the issue's journey: accepted -> DVNA -> plan -> referral with consent ->
volunteer allocated -> review -> closure. Test 2 is the public self-referral form, with its
error summary, its confirmation and the "Exit this page" button.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from accounts.roles import Role
from assessments.models import Closure, ConsentToShare, Dvna, RecoveryPlan, Review
from cases.models import Case
from directory.models import SupportService
from intake.selfreferral import MIN_FORM_SECONDS, rate_limit_key
from referrals.models import Referral
from scheduling.models import ScheduledItem
from tests.factories import (
    CaseFactory,
    IvnaFactory,
    PersonFactory,
    VolunteerFactory,
    user_with_role,
)
from volunteers.models import VolunteerAllocation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CRISIS_CENTRE = "Cambridge Rape Crisis Centre"
CRISIS_CENTRE_EMAIL = "referrals@crcc.example.org"



def open_tab(page, name: str) -> None:
    """Show one of the case page's tabs (issue 16)."""
    page.locator(".govuk-tabs__tab", has_text=name).click()

def success_banner(page) -> str:
    return page.locator(".govuk-notification-banner--success").inner_text()


def summary_rows(summary_list) -> dict[str, str]:
    """A GOV.UK summary list as {key: value}."""
    rows = summary_list.locator(".govuk-summary-list__row")
    return {
        row.locator(".govuk-summary-list__key").inner_text().strip():
        row.locator(".govuk-summary-list__value").inner_text().strip()
        for row in rows.all()
    }


def fill_date(page, name, on):
    page.fill(f"#id_{name}_0", str(on.day))
    page.fill(f"#id_{name}_1", str(on.month))
    page.fill(f"#id_{name}_2", str(on.year))


@pytest.fixture
def shot(page, screenshot):
    """A screenshot without the hover ring of the last click on it."""

    def take(name: str):
        page.mouse.move(0, 0)
        return screenshot(name)

    return take


def test_accepted_case_through_dvna_plan_referral_volunteer_review_and_closure(
    live_server, page, shot, sign_in
):
    vcc = user_with_role(Role.VCC, username="vcc-jones", first_name="Priya", last_name="Shah")
    # A migration seeds the directory, but an earlier transactional test flushes it away:
    # the service is made (or brought to a known state) here either way.
    centre, _ = SupportService.objects.update_or_create(
        name=CRISIS_CENTRE,
        defaults={
            "description": "Counselling and advocacy for anyone affected by sexual violence.",
            "commissioned_by_pcc": True,
            "specialisms": ["sexual_violence"],
            "how_to_refer": "Email the referral document; they call the victim within 5 "
            "working days.",
            "referral_email": CRISIS_CENTRE_EMAIL,
            "active": True,
        },
    )
    person = PersonFactory(
        first_name="Agnieszka", last_name="Kowalska", district="fenland", first_language="pl",
        interpreter_needed=True, phone="07700900321", email="",
        address_line1="4 Church Terrace", town="Wisbech", postcode="PE13 1BB",
    )
    case = CaseFactory(
        person=person, route="hub_contact", status="accepted", contact_outcome="accepted",
        crime__crime_type="sexual_offences",
    )
    IvnaFactory(case=case, dash_risk="medium")
    # Alphabetically first and free, but neither speaks Polish nor covers Fenland.
    VolunteerFactory(user__first_name="Adam", user__last_name="Abbott",
                     languages=["en"], districts=["cambridge"])
    polish = VolunteerFactory(user__first_name="Zofia", user__last_name="Nowak",
                              languages=["en", "pl"], districts=["fenland", "huntingdonshire"])
    base = live_server.url
    case_url = f"{base}/cases/{case.pk}/"
    status = page.locator("[data-testid=case-status]")
    uncovered = page.locator("[data-testid=uncovered-needs]")

    sign_in(base, "vcc-jones")  # the password, then the authenticator app's code
    page.goto(case_url)
    assert status.inner_text() == "Accepted support (DVNA due)"
    assert "It is due now that the victim has accepted support." in page.content()

    # -- The DVNA ---------------------------------------------------------------------------
    open_tab(page, "Assessment and plan")  # the case page opens on its timeline
    page.get_by_role("button", name="Record the DVNA").click()
    assert page.locator("h1").inner_text() == "Detailed Victim Needs Assessment"
    assert "CF/" in page.locator("[data-testid=already-known]").inner_text()
    # What the hub knows is filled in: the first language, the interpreter, the DASH risk.
    assert page.locator("#id_first_language").input_value() == "pl"
    assert page.locator("input[name=interpreter_needed][value=yes]").is_checked()
    assert page.locator("input[name=risk_from_offender][value=medium]").is_checked()
    levels = {"health": "high", "outlook": "medium"}
    for area in ("health", "accommodation", "family", "education_employment",
                 "drugs_alcohol", "finance", "outlook", "social"):
        page.check(f"input[name={area}_level][value={levels.get(area, 'none')}]")
    page.fill("#id_health_notes", "Not sleeping since the assault; the GP knows.")
    page.fill("#id_outlook_notes", "Afraid to go out alone, even to the shop.")
    page.check("input[name=risk_of_self_harm][value=low]")
    page.check("input[name=risk_of_harming_others][value=none]")
    page.check("input[name=risk_of_wellbeing_deteriorating][value=medium]")
    page.fill("#id_risk_notes", "The offender is not known to her.")
    # Consent to share is not asked here: it is asked per service at the referral.
    assert page.locator(f"text={CRISIS_CENTRE}").count() == 0
    page.fill("#id_summary", "Wants specialist counselling and someone to go out with.")
    shot("20-dvna")
    page.get_by_role("button", name="Save the DVNA").click()

    # -- The recovery plan ------------------------------------------------------------------
    assert "The DVNA has been saved. Now agree the recovery plan." in success_banner(page)
    assert page.locator("h1").inner_text() == "Agree the recovery plan"
    aside = page.locator("[data-testid=needs-aside] li")
    assert [item.inner_text() for item in aside.all()] == [
        "High Mental and physical health\nNot sleeping since the assault; the GP knows.",
        "None Shelter and accommodation",
        "None Family, friends and children",
        "None Education, skills and employment",
        "None Drugs and alcohol",
        "None Finance and benefits",
        "Medium Outlook and attitudes\nAfraid to go out alone, even to the shop.",
        "None Social interaction",
    ]
    page.select_option("#id_actions-0-kind", "specialist_referral")
    page.fill("#id_actions-0-description", "Refer for specialist counselling (ISVA).")
    page.check("input[name=actions-0-need_areas][value=health]")
    assert page.locator("#id_actions-0-owner option:checked").inner_text() == "Priya Shah"
    page.select_option("#id_actions-0-service", label=CRISIS_CENTRE)
    first_review = timezone.localdate() + timedelta(days=14)
    fill_date(page, "next_review_on", first_review)
    shot("21-plan")
    page.get_by_role("button", name="Agree the plan").click()

    # Agreed with one action: the case page warns that outlook has none.
    assert "The recovery plan has been agreed" in success_banner(page)
    assert status.inner_text() == "Recovery plan in place"
    assert uncovered.inner_text().strip().endswith(
        "No action in the plan addresses outlook and attitudes (medium)."
    )
    shot("21a-plan-gap")
    page.get_by_role("link", name="Open the plan").click()
    assert uncovered.is_visible()
    page.get_by_role("button", name="Add an action").click()
    page.select_option("#id_kind", "volunteer_support")
    page.fill("#id_description", "A volunteer goes out with her once a week.")
    page.check("input[name=need_areas][value=outlook]")
    page.get_by_role("button", name="Add the action").click()
    assert "The action has been added to the plan." in success_banner(page)
    assert uncovered.count() == 0
    assert page.locator("[data-testid=next-review]").inner_text() == (
        f"{first_review.day} {first_review:%B %Y}"
    )
    rows = page.locator("[data-testid=plan-actions] tbody tr")
    assert rows.count() == 2
    assert CRISIS_CENTRE in rows.nth(0).inner_text()
    assert "Priya Shah" in rows.nth(0).inner_text()
    assert "Face-to-face support from a volunteer" in rows.nth(1).inner_text()
    shot("21b-plan-covered")
    page.get_by_role("link", name="Back to the case").last.click()
    assert uncovered.count() == 0

    # -- The referral -----------------------------------------------------------------------
    waiting = page.locator("[data-testid=actions-to-refer]")
    assert CRISIS_CENTRE in waiting.inner_text()
    open_tab(page, "Referrals")
    waiting.get_by_role("link", name="Make a referral").click()
    assert page.locator("h1").inner_text() == "Make a referral"
    assert f"{CRISIS_CENTRE} (commissioned by the PCC)" in page.content()
    assert CRISIS_CENTRE_EMAIL in page.locator(".govuk-summary-list").inner_text()
    assert page.locator("[data-testid=referral-blocked]").count() == 0
    # Consent to share with the crisis centre, asked now: nothing is selected ready (no
    # earlier answer); she agrees, with her needs, not the crime details.
    assert page.locator("input[type=radio]:checked").count() == 0
    shot("22a-referral-consent")
    page.check("input[name=agree][value=yes]")
    page.check("input[name=share_contact][value=yes]")
    page.check("input[name=share_crime][value=no]")
    page.check("input[name=share_needs][value=yes]")
    page.get_by_role("button", name="Continue").click()
    shares = page.locator("[data-testid=will-share] li")
    assert [shares.nth(i).inner_text() for i in range(4)] == [
        "Shared Name and case reference",
        "Shared Contact details and how to contact them safely",
        "Not shared Crime details",
        "Shared Needs from the DVNA and what the plan asks of the service",
    ]
    shot("22-referral")
    page.get_by_role("button", name="Send the referral").click()
    assert f"The referral to {CRISIS_CENTRE} has been sent by email." in success_banner(page)
    card = page.locator("[data-testid=referral]")
    assert card.locator("[data-testid=referral-status]").inner_text() == "Sent"
    assert f"Emailed to {CRISIS_CENTRE_EMAIL}" in card.inner_text()
    assert "by Priya Shah" in card.inner_text()
    assert waiting.count() == 0  # nothing is left waiting for a referral
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [CRISIS_CENTRE_EMAIL]
    assert email.attachments and email.attachments[0][2] == "application/pdf"

    # -- The volunteer ----------------------------------------------------------------------
    open_tab(page, "Assessment and plan")
    page.get_by_role("button", name="Allocate a volunteer").click()
    suggestions = page.locator("[data-testid=suggestion]")
    assert suggestions.count() == 2
    first = suggestions.nth(0).inner_text()
    assert "Zofia Nowak" in first
    assert "Speaks Polish" in first and "Covers Fenland" in first
    assert "Adam Abbott" in suggestions.nth(1).inner_text()
    shot("23-volunteer")
    suggestions.nth(0).get_by_role("button", name="Allocate Zofia Nowak").click()
    assert "Zofia Nowak will give Agnieszka face-to-face support." in success_banner(page)
    assert page.locator("[data-testid=case-volunteer]").inner_text() == "Zofia Nowak"

    # -- A review ---------------------------------------------------------------------------
    page.get_by_role("button", name="Record a review").click()
    assert page.locator("h1").inner_text() == "Record a review"
    assert uncovered.count() == 0
    page.check("input[name=wellbeing][value=better]")
    page.fill("#id_notes", "Counselling has started; she went to the market with Zofia.")
    for select in page.locator("select[name^=action_]").all():
        select.select_option("done")
    assert page.locator("input[name=reassessment_needed][value=no]").is_checked()
    shot("24-review")
    page.get_by_role("button", name="Record the review").click()
    assert "The review has been recorded." in success_banner(page)
    reviews = page.locator("[data-testid=reviews]").inner_text()
    assert "Better" in reviews and "Priya Shah" in reviews
    assert "planned → done" in reviews

    # -- Closure ----------------------------------------------------------------------------
    page.get_by_role("button", name="Close the case").click()
    assert page.locator("h1").inner_text() == "Close the case"
    assert page.locator("[data-testid=open-actions]").count() == 0  # every action is done
    page.check("input[name=reason][value=support_complete]")
    page.check("input[name=outcome_health][value=better]")
    page.check("input[name=outcome_outlook][value=better]")
    assert page.locator("input[name^=outcome_]").count() == 8  # two areas, four answers
    shot("25-close")
    page.get_by_role("button", name="Close the case").click()
    assert "The case has been closed. The satisfaction survey is due in 14 days" in (
        success_banner(page)
    )
    assert status.inner_text() == "Closed"
    survey_on = timezone.localdate() + timedelta(days=14)
    closure = summary_rows(page.locator("[data-testid=closure]"))
    assert closure == {
        "Closed": f"{timezone.localdate().day} {timezone.localdate():%B %Y} by Priya Shah",
        "Reason": "Support complete",
        "Mental and physical health": "Better able to cope",
        "Outlook and attitudes": "Better able to cope",
        "Satisfaction survey": f"Due {survey_on.day} {survey_on:%B %Y}",
    }
    assert page.get_by_role("button", name="Record a review").count() == 0
    shot("26-case-closed")

    # -- What was recorded ------------------------------------------------------------------
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_at is not None
    dvna = Dvna.objects.get(case=case)
    assert {n.area: n.level for n in dvna.needs.all() if n.level != "none"} == levels
    assert dvna.interpreter_needed and dvna.first_language == "pl"
    consent = ConsentToShare.objects.get(case=case, service=centre)
    assert consent.given and consent.share_needs and not consent.share_crime_details
    assert not ConsentToShare.objects.filter(case=case, given=True).exclude(service=centre)
    plan = RecoveryPlan.objects.get(case=case)
    assert plan.agreed_by == vcc and plan.next_review_on is None
    assert sorted(plan.actions.values_list("kind", "status")) == [
        ("specialist_referral", "done"), ("volunteer_support", "done"),
    ]
    referral = Referral.objects.get(case=case)
    assert referral.service == centre and referral.status == "sent"
    assert referral.emailed_to == CRISIS_CENTRE_EMAIL and referral.email_sent_at
    assert referral.shared_needs and referral.shared_contact_details
    assert not referral.shared_crime_details
    allocation = VolunteerAllocation.objects.get(case=case)
    assert allocation.volunteer == polish and allocation.allocated_by == vcc
    review = Review.objects.get(case=case)
    assert review.wellbeing == "better" and not review.reassessment_needed
    closure = Closure.objects.get(case=case)
    assert closure.reason == "support_complete" and closure.by == vcc
    assert dict(closure.outcomes.values_list("area", "outcome")) == {
        "health": "better", "outlook": "better",
    }
    survey = ScheduledItem.objects.get(case=case, kind="survey")
    assert survey.state == "due"
    assert timezone.localdate(survey.due_at) == survey_on
    assert not ScheduledItem.objects.filter(case=case, kind="plan_review", state="due")


def wait_until_form_old_enough(page, shown_at: float) -> None:
    """The form refuses answers sent back within MIN_FORM_SECONDS of it being shown (a
    script's speed): wait out whatever of that a person would have spent reading."""
    left = MIN_FORM_SECONDS + 0.1 - (time.monotonic() - shown_at)
    if left > 0:
        page.wait_for_timeout(left * 1000)


def test_self_referral_from_the_landing_page(live_server, page, shot):
    # The rate limit counts by address in the cache: earlier runs must not count here.
    cache.delete(rate_limit_key("127.0.0.1"))
    base = live_server.url
    page.route(
        "https://www.bbc.co.uk/**",
        lambda route: route.fulfill(status=200, content_type="text/html",
                                    body="<title>Weather</title>"),
    )

    page.goto(f"{base}/")
    page.get_by_role("button", name="Ask for support").click()
    shown_at = time.monotonic()
    assert page.locator("h1").inner_text() == "Ask for support"
    exit_button = page.get_by_role("button", name="Emergency Exit this page")
    assert exit_button.is_visible()
    # The public sees nothing of the staff's handling notice.
    assert "Every view is recorded" not in page.locator("footer").inner_text()
    shot("30-self-referral")

    wait_until_form_old_enough(page, shown_at)
    page.get_by_role("button", name="Send request").click()
    shown_at = time.monotonic()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Error: ")
    text = summary.inner_text()
    for message in ("Select who is asking for support",
                    "Enter the first name of the person who needs support",
                    "Select yes if the person who needs support is under 18",
                    "Enter a phone number, an email address or a safe address",
                    "Select yes if it is safe for us to phone",
                    "Select yes if it is safe for us to write"):
        assert message in text
    assert page.locator("[data-testid=refusal]").count() == 0  # not taken for a script
    shot("31-self-referral-errors")
    # Each message links to its question.
    summary.get_by_role("link", name="Select who is asking for support").click()
    assert page.evaluate("document.activeElement.id") == "id_asked_by_1"

    page.check("input[name=asked_by][value=victim]")
    page.fill("#id_first_name", "Dana")
    page.check("input[name=under_18][value=no]")
    page.select_option("#id_district", "peterborough")
    page.fill("#id_phone", "07700 900 654")
    page.check("input[name=safe_to_call][value=yes]")
    page.check("input[name=may_leave_message][value=no]")  # revealed by "Yes"
    page.check("input[name=safe_to_write][value=no]")
    page.check("input[name=reported_to_police][value=no]")
    page.fill("#id_account", "Someone keeps damaging my car at night.")
    wait_until_form_old_enough(page, shown_at)
    page.get_by_role("button", name="Send request").click()

    assert page.locator("h1").inner_text() == "Request sent"
    reference = page.locator("[data-testid=self-referral-reference]").inner_text()
    # Random, not the case number: it says nothing of how many people ask (issue 13).
    assert re.fullmatch(r"VH-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", reference)
    body = page.locator("main").inner_text()
    assert "within five working days" in body
    assert "by phone, and we will not leave a message" in body
    assert "we will not write to you" in body
    case = Case.objects.get()
    assert case.self_referral.public_reference == reference
    assert case.source == "self_referral"
    assert case.person.first_name == "Dana" and not case.person.safe_to_write
    shot("32-self-referral-done")

    page.get_by_role("button", name="Emergency Exit this page").click()
    page.wait_for_url("https://www.bbc.co.uk/weather")
    assert page.title() == "Weather"
