"""A VCC works a case from its page (issue 16): the pinned summary, a call recorded from it
that lands back on the timeline with a banner, a note added in place, the timeline filtered;
at 1280 px and on a 390 px phone with no sideways scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from bench.forms import calling_time
from bench.load import calling_hours
from tests.factories import CaseFactory, CrimeFactory, IvnaFactory, PersonFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_call_and_a_note_from_the_case_page(live_server, page, screenshot, sign_in):
    user_with_role(Role.VCC, username="vcc-call", first_name="Sam", last_name="Patel")
    person = PersonFactory(
        first_name="Ana", last_name="Nowak", phone="07700900456", first_language="pl",
        interpreter_needed=True, may_leave_message=False,
    )
    case = CaseFactory(person=person, route="hub_contact", status="awaiting_contact",
                       crime=CrimeFactory())
    IvnaFactory(case=case)
    base = live_server.url
    sign_in(base, "vcc-call")

    page.goto(f"{base}/cases/{case.pk}/")
    summary = page.locator("[data-testid=case-summary]")
    assert "Interpreter needed" in summary.inner_text()
    assert "Do not leave a message" in summary.inner_text()
    assert page.locator("[data-testid=summary-allocated]").inner_text() == "Nobody yet"
    summary.get_by_role("button", name="Take this case").click()
    assert page.locator("[data-testid=summary-allocated]").inner_text() == "Sam Patel"

    # A call from the summary: back on the case page, at the timeline, with the banner.
    summary = page.locator("[data-testid=case-summary]")
    summary.get_by_role("button", name="Record a call").click()
    assert page.get_by_role("link", name="Back").get_attribute("href").endswith("#timeline")
    # A time inside calling hours, whenever the test runs (the form offers now, and
    # a failed call at night is refused).
    made_on, made_at = calling_time(calling_hours())
    page.fill("#id_made_on", made_on.isoformat())
    page.fill("#id_made_at_time", made_at)
    page.check("input[name=outcome][value=no_answer]")
    page.get_by_role("button", name="Record the call").click()
    assert page.url.endswith(f"/cases/{case.pk}/#timeline")
    banner = page.locator("[data-hub-messages] .govuk-notification-banner")
    assert "First attempt recorded." in banner.inner_text()
    expect(banner).to_be_in_viewport()  # in view, the timeline below it
    assert page.locator("#timeline").is_visible()
    assert "no answer" in page.locator("[data-testid=contact-log] li").first.inner_text()

    # A note in place (htmx): the page does not reload, the note tops the timeline.
    page.evaluate("window.notReloaded = true")
    page.fill("#timeline-note", "Sister says evenings are better")
    page.get_by_role("button", name="Add the note").click()
    page.locator("[data-testid=note-added]").wait_for()
    assert page.evaluate("window.notReloaded") is True
    first = page.locator("[data-testid=contact-log] li").first.inner_text()
    assert "Sister says evenings are better" in first

    # Calls only.
    page.locator("[data-testid=timeline-filters]").get_by_role("link", name="Calls").click()
    assert page.locator("#timeline-note").input_value() == ""  # ready for the next note
    page.locator("[data-testid=contact-log] li[data-kind=note]").wait_for(state="detached")
    kinds = page.locator("[data-testid=contact-log] li").evaluate_all(
        "items => items.map(i => i.dataset.kind)"
    )
    assert kinds == ["call"]
    page.goto(f"{base}/cases/{case.pk}/")
    # The summary stays in view as the tabs scroll on a wide screen.
    page.mouse.wheel(0, 1200)
    page.wait_for_timeout(100)
    assert page.locator("[data-testid=case-summary]").bounding_box()["y"] >= 0
    screenshot("16-case-page-1280")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/cases/{case.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Not pinned on a phone: it scrolls away with the page.
    assert page.locator("[data-testid=case-summary]").evaluate(
        "el => getComputedStyle(el).position"
    ) != "sticky"
    screenshot("16-case-page-390")
