"""Signing in: password, then a TOTP code; lockout by username and address."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import enrolment
from accounts.roles import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, drift=offset):06d}"


def sign_in(client: Client, username: str, password: str = PASSWORD, ip: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_a_password_alone_does_not_open_casework(client):
    user_with_role(Role.VCC, username="val")
    response = sign_in(client, "val")
    assert response.status_code == 302
    page = client.get(reverse("cases:list"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_first_sign_in_sets_up_the_app_then_casework_opens(client):
    user = user_with_role(Role.VCC, username="val")
    manager = user_with_role(Role.MANAGER, username="mo")
    link = enrolment.issue_link(user=user, by=manager)  # accounts/enrolment.py
    sign_in(client, "val")
    client.get(link)
    setup = client.get(reverse("accounts:two_factor_setup"))
    src = setup.content.decode().split('alt="QR code')[0].rsplit('src="', 1)[1].split('"')[0]
    assert src.startswith("data:image/svg+xml")
    # An <img> draws no SVG without its namespace: the key was the only way in (issue 13).
    assert "xmlns='http://www.w3.org/2000/svg'" in unquote(src)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(reverse("accounts:two_factor_setup"), {"token": "000000"})
    assert "That code is not right" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the next try wait a second (throttling)
    client.post(reverse("accounts:two_factor_setup"), {"token": code(device)})
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("cases:list")).status_code == 200


def test_later_sign_ins_ask_for_a_code(client):
    user = user_with_role(Role.MANAGER, username="mo")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    sign_in(client, "mo")
    response = client.get(reverse("cases:list"))
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    bad = client.post(reverse("accounts:two_factor"), {"token": "12345"})
    assert "Enter the 6-digit code" in bad.content.decode()
    client.post(reverse("accounts:two_factor"), {"token": code(device), "next": "/cases/"})
    assert client.get(reverse("cases:list")).status_code == 200


def test_a_code_cannot_be_used_twice(client):
    user = user_with_role(Role.VCC, username="val")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    token = code(device)
    sign_in(client, "val")
    client.post(reverse("accounts:two_factor"), {"token": token})
    other = Client()
    sign_in(other, "val")
    replay = other.post(reverse("accounts:two_factor"), {"token": token})
    assert "That code is not right" in replay.content.decode()


def test_the_next_parameter_cannot_send_anyone_off_site(client):
    user = user_with_role(Role.VCC, username="val")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    sign_in(client, "val")
    response = client.post(
        reverse("accounts:two_factor"), {"token": code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/home/"


def test_five_wrong_passwords_lock_that_username_from_that_address(client):
    user_with_role(Role.VCC, username="val")
    for _ in range(4):
        assert sign_in(client, "val", "wrong-password").status_code == 200
    assert sign_in(client, "val", "wrong-password").status_code == 429  # the fifth locks
    locked = sign_in(client, "val")  # even the right password
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    # One person cannot lock a colleague out: from another address the account still works.
    assert sign_in(Client(), "val", ip="10.0.0.2").status_code == 302


def test_the_address_comes_from_the_proxy_header_only_at_the_configured_depth(settings):
    from axes.helpers import get_client_ip_address
    from django.test import RequestFactory

    request = RequestFactory().get(
        "/", REMOTE_ADDR="172.16.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    # No proxy configured: the header is ignored (anyone can write it).
    settings.AXES_IPWARE_PROXY_COUNT = None
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    assert get_client_ip_address(request) == "172.16.0.5"
    # One proxy: the address our proxy appended, not the one the client claimed.
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    assert get_client_ip_address(request) == "203.0.113.7"


def test_api_tokens_are_not_asked_for_a_second_factor(police_api):
    from tests.factories import ivna_payload

    assert police_api.post("/api/v1/ivnas/", ivna_payload(), format="json").status_code == 201


def test_verifying_the_second_factor_gives_the_session_a_new_key(client):
    user = user_with_role(Role.VCC, username="val")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    sign_in(client, "val")
    before = client.session.session_key
    client.post(reverse("accounts:two_factor"), {"token": code(device)})
    assert client.session.session_key != before
    assert client.get(reverse("cases:list")).status_code == 200
    # Whoever held the key from before the code (fixation) holds nothing.
    stale = Client()
    stale.cookies["sessionid"] = before
    assert stale.get(reverse("cases:list")).status_code == 302


def test_enrolling_also_gives_the_session_a_new_key(client):
    user = user_with_role(Role.VCC, username="val")
    link = enrolment.issue_link(user=user, by=user_with_role(Role.MANAGER))
    sign_in(client, "val")
    client.get(link)
    client.get(reverse("accounts:two_factor_setup"))
    before = client.session.session_key
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post(reverse("accounts:two_factor_setup"), {"token": code(device)})
    assert client.session.session_key != before
    assert client.get(reverse("cases:list")).status_code == 200


def test_password_spraying_from_one_address_is_refused_across_usernames(client, settings):
    settings.HUB_ADDRESS_FAILURE_LIMIT = 6
    for n in range(6):
        user_with_role(Role.VCC, username=f"staff{n}")
    # One wrong password each for six usernames: no single username is near its lockout.
    for n in range(6):
        assert sign_in(client, f"staff{n}", "Summer2026!", ip="10.9.9.9").status_code == 200
    refused = sign_in(Client(), "staff0", ip="10.9.9.9")  # even the right password
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    # The same staff member from the office's own address signs in as normal.
    assert sign_in(Client(), "staff0", ip="10.0.0.7").status_code == 302
