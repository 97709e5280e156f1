"""A new starter's first sign-in in Chromium, through a hub manager's enrolment link (issue
13): the manager adds the VCC on Team members and is shown a one-off password and the link;
the new VCC signs in with the password (no key is shown: "Ask a hub manager"), opens the
link, sees the QR code drawn (the SVG had no namespace once, so no browser showed it) with
the key beside it, enters the code and lands on My work."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import Role, role_of
from tests.conftest import current_code
from tests.factories import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_vcc_enrols_through_a_managers_link(live_server, page, screenshot, sign_in):
    user_with_role(Role.MANAGER, username="manager")
    sign_in(live_server.url, "manager")
    page.goto(f"{live_server.url}/team/members/")
    page.get_by_role("link", name="Add a team member").click()
    page.get_by_label("Username").fill("new-starter")
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Price")
    page.get_by_label("Role").select_option("vcc")
    page.get_by_label("Fenland").check()
    page.get_by_label("Languages they work in besides English").fill("Polish")
    page.get_by_label("Migrant workers").check()
    page.get_by_role("button", name="Create the account").click()
    password = page.get_by_test_id("one-off-password").inner_text()
    link = page.get_by_test_id("enrolment-link").inner_text()
    user = User.objects.get(username="new-starter")
    assert role_of(user) == Role.VCC and user.specialisms == ["migrant_workers"]
    assert "/two-factor/enrol/" in link
    page.context.clear_cookies()  # the manager's browser is done; the new starter's own

    page.goto(f"{live_server.url}/sign-in/")
    page.fill("#id_username", "new-starter")
    page.fill("#id_password", password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Ask a hub manager for an enrolment link").wait_for()
    assert not TOTPDevice.objects.filter(user=user).exists()  # a password alone: no key

    page.goto(link)
    page.wait_for_url("**/two-factor/setup/**")
    qr = page.locator('img[alt^="QR code"]')
    qr.wait_for()
    page.wait_for_function("document.querySelector('img[alt^=\"QR code\"]').complete")
    assert qr.evaluate("img => img.naturalWidth") > 0
    screenshot("13-two-factor-setup-qr")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    key = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    assert f"secret={key}" in device.config_url
    page.fill("#id_token", current_code(device))
    page.get_by_role("button", name="Finish setting up").click()
    page.wait_for_url("**/work/")  # a VCC's home: My work
    device.refresh_from_db()
    assert device.confirmed
