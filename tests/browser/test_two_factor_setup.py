"""A new starter's first sign-in in Chromium: the QR code on the two-factor setup page is
drawn (issue 13: the SVG had no namespace, so no browser showed it and everyone typed the
32-character key), with the key beside it for anyone who cannot scan."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from tests.conftest import current_code
from tests.factories import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_qr_code_is_drawn_and_the_key_is_there_to_type(live_server, page, screenshot):
    user = user_with_role(Role.VCC, username="new-starter")
    page.goto(f"{live_server.url}/sign-in/")
    page.fill("#id_username", "new-starter")
    page.fill("#id_password", "correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/two-factor/setup/**")
    qr = page.locator('img[alt^="QR code"]')
    qr.wait_for()
    page.wait_for_function(
        "document.querySelector('img[alt^=\"QR code\"]').complete"
    )
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
