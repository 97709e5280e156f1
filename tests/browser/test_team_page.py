"""A manager's team page in Chromium (issue 12): the victims the hub cannot reach, each with
what stopped their contact round and a way to close the case, and the daily check that no
open case is left with nothing on anyone's list."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from contact.invariant import record_stall_check
from contact.services import start_contact
from tests.factories import CaseFactory, PersonFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_team_page_shows_who_the_hub_cannot_reach_and_what_has_stalled(
    live_server, page, screenshot, sign_in
):
    user_with_role(Role.MANAGER, username="mgr-okafor")
    person = PersonFactory(first_name="Nadia", last_name="Unreachable", phone="",
                           address_line1="", postcode="", email="")
    unreachable = CaseFactory(person=person, status="awaiting_contact")
    start_contact(case=unreachable)  # no phone, nowhere to write: nothing is set going
    stalled = CaseFactory(status="declined")  # made directly: no closure row, so stalled
    record_stall_check()
    sign_in(live_server.url, "mgr-okafor")
    page.goto(f"{live_server.url}/work/team/")
    listed = page.get_by_test_id("unreachable")
    assert "Nadia Unreachable" in listed.inner_text()
    assert "not safe or not possible to phone them" in listed.inner_text()
    assert "Close the case" in listed.inner_text()
    found = page.get_by_test_id("stalled").inner_text()
    assert stalled.reference in found and "Declined" in found
    screenshot("12-team-page-cannot-reach-and-stalled")
    listed.get_by_role("link", name=f"Close the case {unreachable.reference}").click()
    page.fill("#id_reason", "Police confirm the victim has left the country; no contact details.")
    page.get_by_role("button", name="Close the case").click()
    page.wait_for_url(f"**/cases/{unreachable.pk}/")
    unreachable.refresh_from_db()
    assert unreachable.status == "closed" and unreachable.closed_at is not None
