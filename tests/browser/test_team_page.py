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


def test_a_manager_follows_a_count_then_moves_a_vccs_cases_after_checking_them(
    live_server, page, screenshot, sign_in
):
    """Issue 16: each count opens the cases behind it; cover for absence shows the cases
    and moves them only on confirmation."""
    user_with_role(Role.MANAGER, username="mgr-okafor")
    absent = user_with_role(Role.VCC, username="vcc-absent", first_name="Abel",
                            last_name="Absent")
    cover = user_with_role(Role.VCC, username="vcc-cover", first_name="Cora", last_name="Cover")
    # A long name with nowhere to break it: the table scrolls on a phone, the page does not.
    cases = [CaseFactory(allocated_to=absent, status="awaiting_contact",
                         person__last_name="Llanfairpwllgwyngyllgogerychwyrndrobwll")
             for _ in range(3)]
    sign_in(live_server.url, "mgr-okafor")
    page.goto(f"{live_server.url}/work/team/")
    row = page.get_by_test_id("team-row").filter(has_text="Abel Absent")
    row.get_by_role("link", name="open cases of Abel Absent").click()
    assert page.get_by_test_id("case-count").inner_text() == "3 cases"
    page.go_back()
    page.select_option("#from_user", label="Abel Absent (3 open)")
    page.select_option("#to_user", label="Cora Cover")
    page.get_by_role("button", name="Check the cases to move").click()
    shown = page.get_by_test_id("case-to-move")
    assert shown.count() == 3
    for case in cases:
        assert case.reference in page.get_by_test_id("cases-to-move").inner_text()
    screenshot("16-move-cases-check-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("16-move-cases-check-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert {c.allocated_to_id for c in type(cases[0]).objects.filter(
        pk__in=[c.pk for c in cases])} == {absent.pk}  # nothing moved yet
    page.get_by_role("button", name="Move 3 cases to Cora Cover").click()
    page.wait_for_url("**/work/team/")
    assert "3 open cases moved from Abel Absent to Cora Cover" in page.content()
    assert {c.allocated_to_id for c in type(cases[0]).objects.filter(
        pk__in=[c.pk for c in cases])} == {cover.pk}
    screenshot("16-team-page-after-move")
