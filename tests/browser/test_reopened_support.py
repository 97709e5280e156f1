"""One victim through the whole lifecycle, supported twice on the same case (issue 12):
three failed calls -> no contact with the follow-up letter -> got in touch -> accepted -> DVNA
-> plan -> closed -> re-opened (got in touch) -> accepted -> DVNA -> second plan -> closed,
with the first support episode readable on the case page after the re-opening."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from assessments.models import Closure, RecoveryPlan
from contact.models import Letter
from tests.factories import CaseFactory, IvnaFactory, PersonFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AREAS = ("health", "accommodation", "family", "education_employment", "drugs_alcohol",
         "finance", "outlook", "social")


def last_week_monday() -> date:
    today = date.today()
    return today - timedelta(days=today.weekday() + 7)


def banner(page) -> str:
    return page.locator(".govuk-notification-banner").first.inner_text()


def fill_date(page, name, on):
    page.fill(f"#id_{name}_0", str(on.day))
    page.fill(f"#id_{name}_1", str(on.month))
    page.fill(f"#id_{name}_2", str(on.year))


def record_call(page, on: date, at: str, outcome: str) -> None:
    page.get_by_role("button", name="Record a call").click()
    page.fill("#id_made_on", on.isoformat())
    page.fill("#id_made_at_time", at)
    page.check(f"input[name=outcome][value={outcome}]")
    page.get_by_role("button", name="Record the call").click()


def reached(page) -> None:
    """The call back: she answers (a call that reaches the victim is recorded at any time)."""
    now = timezone.localtime() - timedelta(minutes=1)
    record_call(page, now.date(), now.strftime("%H:%M"), "contacted")


def accept_support(page) -> None:
    page.get_by_role("button", name="Record the outcome").click()
    page.check("input[name=outcome][value=accepted]")
    page.get_by_role("button", name="Record the outcome").click()


def record_dvna(page, levels: dict[str, str], *, risk_from_offender: str = "low") -> None:
    page.locator(".govuk-tabs__tab", has_text="Assessment and plan").click()  # the case's tab
    page.get_by_role("button", name="Record the DVNA").click()
    for area in AREAS:
        page.check(f"input[name={area}_level][value={levels.get(area, 'none')}]")
    page.check(f"input[name=risk_from_offender][value={risk_from_offender}]")
    page.check("input[name=risk_of_self_harm][value=none]")
    page.check("input[name=risk_of_harming_others][value=none]")
    page.check("input[name=risk_of_wellbeing_deteriorating][value=low]")
    page.get_by_role("button", name="Save the DVNA").click()


def agree_plan(page, description: str, area: str) -> None:
    page.select_option("#id_actions-0-kind", "phone_support")
    page.fill("#id_actions-0-description", description)
    page.check(f"input[name=actions-0-need_areas][value={area}]")
    fill_date(page, "next_review_on", timezone.localdate() + timedelta(days=14))
    page.get_by_role("button", name="Agree the plan").click()


def close_support(page, outcomes: dict[str, str]) -> None:
    page.get_by_role("button", name="Close the case").click()
    assert page.locator("h1").inner_text() == "Close the case"
    page.check("input[name=reason][value=support_complete]")
    for area, outcome in outcomes.items():
        page.check(f"input[name=outcome_{area}][value={outcome}]")
    page.get_by_role("button", name="Close the case").click()


def test_one_victim_supported_twice_on_the_same_case(live_server, page, screenshot, sign_in):
    user_with_role(Role.VCC, username="vcc-jones", first_name="Priya", last_name="Shah")
    person = PersonFactory(
        first_name="Carol", last_name="Example", phone="07700900789", email="",
        address_line1="9 Bridge Street", town="Huntingdon", postcode="PE29 3TQ",
    )
    case = CaseFactory(person=person, route="hub_contact", status="awaiting_contact")
    IvnaFactory(case=case, dash_risk="standard")
    base = live_server.url
    case_url = f"{base}/cases/{case.pk}/"
    status = page.locator("[data-testid=case-status]")
    earlier = page.locator("[data-testid=earlier-episode]")

    def shot(name: str):
        page.mouse.move(0, 0)
        return screenshot(name)

    sign_in(base, "vcc-jones")

    # -- Three failed calls: no contact, the follow-up letter -------------------------------
    monday = last_week_monday()
    for day, at in ((monday, "10:15"), (monday + timedelta(days=1), "14:30"),
                    (monday + timedelta(days=2), "18:05")):
        page.goto(case_url)
        record_call(page, day, at, "no_answer")
    assert "Third attempt recorded. The case is now 'No contact" in page.content()
    assert status.inner_text() == "No contact made (follow-up letter)"
    assert Letter.objects.filter(case=case, kind="no_contact").exists()

    # -- The victim gets in touch, is reached and accepts -----------------------------------
    page.get_by_role("button", name="The victim got in touch").click()
    assert "again; a call back is due by" in banner(page)
    assert status.inner_text().startswith("Awaiting")
    reached(page)
    accept_support(page)
    assert status.inner_text() == "Accepted support (DVNA due)"

    # -- Episode 1: DVNA, plan, closure ----------------------------------------------------
    record_dvna(page, {"health": "high", "finance": "medium"})
    assert "The DVNA has been saved. Now agree the recovery plan." in banner(page)
    agree_plan(page, "Weekly call while she waits for counselling.", "health")
    assert "The recovery plan has been agreed" in banner(page)
    assert status.inner_text() == "Recovery plan in place"
    shot("ep-01-first-plan")
    close_support(page, {"health": "better", "finance": "same"})
    assert "The case has been closed." in banner(page)
    assert status.inner_text() == "Closed"
    assert earlier.count() == 0  # one episode so far: it is the case's support

    # -- Months later, at trial: she gets in touch again -----------------------------------
    page.get_by_role("button", name="The victim got in touch").first.click()
    assert "again; a call back is due by" in banner(page)
    assert status.inner_text().startswith("Awaiting")
    # The first episode is there, read only, collapsed.
    assert earlier.count() == 1
    summary = earlier.locator("summary").inner_text()
    today = timezone.localdate()
    assert summary == f"Support episode 1 ({today:%-d %b %Y} – {today:%-d %b %Y})"
    page.locator(".govuk-tabs__tab", has_text="Assessment and plan").click()
    earlier.locator("summary").click()
    text = earlier.inner_text()
    assert "DVNA 1" in text and "Recovery plan agreed" in text
    assert "Mental and physical health\tBetter able to cope" in text
    assert "Finance and benefits\tThe same" in text
    assert page.get_by_role("button", name="Close the case").count() <= 1  # no support close
    shot("ep-02-reopened-earlier-episode")

    reached(page)
    accept_support(page)
    assert status.inner_text() == "Accepted support (DVNA due)"
    assert "episode 2" in page.locator("#support-heading").inner_text()
    assert "No DVNA yet. It is due now that the victim has accepted support." in page.content()

    # -- Episode 2: a new DVNA (a new version), a second plan, a second closure ------------
    record_dvna(page, {"outlook": "high"})
    assert "The DVNA has been saved. Now agree the recovery plan." in banner(page)
    assert page.locator("h1").inner_text() == "Agree the recovery plan"
    shot("ep-03-second-plan-form")
    agree_plan(page, "Support through the trial: court visit and calls.", "outlook")
    assert "The recovery plan has been agreed" in banner(page)
    assert status.inner_text() == "Recovery plan in place"
    panel = page.locator("[data-testid=support-panel]").inner_text()
    assert "Latest: DVNA 2" in panel
    assert "Support through the trial" in panel
    assert "Weekly call while she waits" not in page.locator(
        "[data-testid=plan-actions]").inner_text()
    shot("ep-04-second-plan")

    close_support(page, {"outlook": "better"})
    assert "The case has been closed." in banner(page)
    assert status.inner_text() == "Closed"
    closure = page.locator("[data-testid=closure]").inner_text()
    assert "Outlook and attitudes\tBetter able to cope" in closure
    assert earlier.count() == 1
    shot("ep-05-second-closure")

    assert list(RecoveryPlan.objects.filter(case=case).order_by("episode")
                .values_list("episode", flat=True)) == [1, 2]
    assert Closure.objects.filter(case=case).count() == 2


def test_a_high_risk_dvna_offers_escalation(live_server, page, screenshot, sign_in):
    user_with_role(Role.VCC, username="vcc-jones", first_name="Priya", last_name="Shah")
    case = CaseFactory(person=PersonFactory(first_name="Dana", last_name="Example"),
                       route="hub_contact", status="accepted", contact_outcome="accepted")
    IvnaFactory(case=case, dash_risk="medium")
    base = live_server.url
    sign_in(base, "vcc-jones")
    page.goto(f"{base}/cases/{case.pk}/")
    record_dvna(page, {"health": "high"}, risk_from_offender="high")
    # Back on the case page, not on to the plan: the VCC decides.
    reason = "DVNA 1 rates the risk from the offender as high."
    assert f"DVNA 1 has been saved. {reason} Consider escalating" in banner(page)
    offer = page.locator("[data-testid=escalation-offer]")
    assert reason in offer.inner_text()
    page.mouse.move(0, 0)
    screenshot("ep-06-escalation-offered")
    offer.get_by_role("button", name="Escalate to MASH / Public Protection").click()
    assert page.locator("h1").inner_text() == "Escalate to MASH / Public Protection"
    assert page.locator("#id_reason").input_value() == reason
    page.fill("#id_reason", reason + " The offender has been released.")
    page.get_by_role("button", name="Escalate").click()
    assert "Escalated. The case is now managed by MASH / Public Protection; the hub's " \
           "support has ended" in banner(page)
    assert page.locator("[data-testid=escalation-offer]").count() == 0
    page.mouse.move(0, 0)
    screenshot("ep-07-escalated")
