"""Enrolling an authenticator app through a hub manager's one-time link (issue 13): a
password alone never shows a key; the link is single-use, short-lived and held by the first
browser session that opens it; each setup makes a new key; finishing ends every other
session; a manager's reset signs the user out everywhere and sends them back through it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import enrolment
from accounts.models import EnrolmentInvite
from accounts.roles import Role
from core.errors import DomainError
from tests.conftest import current_code
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def signed_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def manager():
    return user_with_role(Role.MANAGER, username="mgr")


@pytest.fixture
def newcomer():
    return user_with_role(Role.VCC, username="val", email="val@example.org")


def setup_page(client: Client) -> str:
    return client.get(reverse("accounts:two_factor_setup")).content.decode()


def shown_key(page: str) -> str:
    return page.split('data-testid="totp-secret">')[1].split("<")[0].replace(" ", "")


def enrol_with(client: Client, user) -> TOTPDevice:
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post(reverse("accounts:two_factor_setup"), {"token": current_code(device)})
    device.refresh_from_db()
    return device


def test_a_password_alone_shows_no_key_but_ask_a_hub_manager(newcomer):
    client = signed_in("val")
    page = setup_page(client)
    assert "Ask a hub manager for an enrolment link" in page
    assert "totp-secret" not in page and "QR code" not in page
    assert not TOTPDevice.objects.filter(user=newcomer).exists()
    # Posting a code without a link links nothing either.
    client.post(reverse("accounts:two_factor_setup"), {"token": "123456"})
    assert client.get(reverse("cases:list")).status_code == 302


def test_the_link_opens_setup_in_that_browser_and_enrolment_ends_other_sessions(
    manager, newcomer
):
    path = enrolment.issue_link(user=newcomer, by=manager)
    other = signed_in("val")  # someone else with the password, signed in first
    client = signed_in("val")
    assert client.get(path)["Location"] == reverse("accounts:two_factor_setup")
    page = setup_page(client)
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    assert f"secret={shown_key(page)}" in device.config_url
    assert "Ask a hub manager" in setup_page(other)  # the key is this browser's alone
    assert enrol_with(client, newcomer).confirmed
    assert client.get(reverse("cases:list")).status_code == 200
    # Every other session of the user has ended: back to sign-in.
    assert other.get(reverse("cases:list"))["Location"].startswith(reverse("login"))
    invite = EnrolmentInvite.objects.get(user=newcomer)
    assert invite.used_at is not None and invite.issued_by == manager


def test_the_link_works_once(manager, newcomer):
    path = enrolment.issue_link(user=newcomer, by=manager)
    client = signed_in("val")
    client.get(path)
    enrol_with(client, newcomer)
    TOTPDevice.objects.filter(user=newcomer).delete()  # as if the app were lost
    again = signed_in("val")
    response = again.get(path)
    assert response.status_code == 403
    assert "expired or has been used" in response.content.decode()
    assert "Ask a hub manager" in setup_page(again)


def test_an_expired_link_is_refused(manager, newcomer):
    path = enrolment.issue_link(user=newcomer, by=manager)
    EnrolmentInvite.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client = signed_in("val")
    assert client.get(path).status_code == 403
    assert "totp-secret" not in setup_page(client)


def test_a_second_browser_with_the_same_link_is_refused(manager, newcomer):
    path = enrolment.issue_link(user=newcomer, by=manager)
    first = signed_in("val")
    first.get(path)
    second = signed_in("val")
    response = second.get(path)
    assert response.status_code == 403
    assert "already been opened in another browser" in response.content.decode()
    assert "totp-secret" not in setup_page(second)
    assert "totp-secret" in setup_page(first)


def test_another_users_link_is_refused(manager, newcomer):
    path = enrolment.issue_link(user=newcomer, by=manager)
    user_with_role(Role.VCC, username="sam")
    sam = signed_in("sam")
    assert sam.get(path).status_code == 403
    assert EnrolmentInvite.objects.get().claimed_at is None  # still there for val


def test_each_setup_makes_a_new_key_and_a_new_link_withdraws_the_old(manager, newcomer):
    first_path = enrolment.issue_link(user=newcomer, by=manager)
    client = signed_in("val")
    client.get(first_path)
    first_key = shown_key(setup_page(client))
    assert shown_key(setup_page(client)) == first_key  # the same setup keeps its key
    second_path = enrolment.issue_link(user=newcomer, by=manager)
    assert client.get(first_path).status_code == 403  # withdrawn
    assert "Ask a hub manager" in setup_page(client)
    client.get(second_path)
    assert shown_key(setup_page(client)) != first_key
    assert TOTPDevice.objects.filter(user=newcomer).count() == 1  # the old key is gone


def test_the_link_is_emailed_where_the_user_has_an_address(manager, newcomer, client,
                                                          django_capture_on_commit_callbacks):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("team:enrolment_link", args=[newcomer.pk])).content.decode()
    link = page.split('data-testid="enrolment-link">')[1].split("<")[0]
    assert "/two-factor/enrol/" in link
    assert [m.to for m in mail.outbox] == [["val@example.org"]]
    assert link in mail.outbox[0].body
    assert "It has also been emailed to val@example.org" in page


def test_a_manager_resets_an_authenticator(manager, newcomer, client):
    TOTPDevice.objects.create(user=newcomer, name="old phone", confirmed=True)
    val = signed_in("val")
    client.force_login(manager)
    page = client.post(
        reverse("team:reset_authenticator", args=[newcomer.pk])
    ).content.decode()
    assert "Authenticator reset" in page
    assert not TOTPDevice.objects.filter(user=newcomer).exists()
    # Signed out everywhere; signing in again, the link from the reset is the way back in.
    assert val.get(reverse("cases:list"))["Location"].startswith(reverse("login"))
    path = page.split('data-testid="enrolment-link">')[1].split("<")[0].split("testserver")[1]
    again = signed_in("val")
    assert "Ask a hub manager" in setup_page(again)
    again.get(path)
    assert enrol_with(again, newcomer).confirmed
    invite = EnrolmentInvite.objects.get(user=newcomer)
    assert invite.reason == EnrolmentInvite.Reason.RESET and invite.issued_by == manager
    assert client.get(reverse("cases:list")).status_code == 200  # the manager stays in


def test_a_manager_cannot_reset_their_own_authenticator(manager):
    with pytest.raises(DomainError):
        enrolment.reset_authenticator(user=manager, by=manager)


def test_a_link_for_someone_enrolled_is_refused_reset_instead(manager, newcomer, client):
    TOTPDevice.objects.create(user=newcomer, name="phone", confirmed=True)
    client.force_login(manager)
    response = client.post(reverse("team:enrolment_link", args=[newcomer.pk]))
    assert response.status_code == 400
    assert "reset it" in response.content.decode()
    assert not EnrolmentInvite.objects.exists()


def test_team_members_shows_who_has_set_up_their_app(manager, newcomer, client):
    client.force_login(manager)
    page = client.get(reverse("team:members")).content.decode()
    row = page.split("val</td>")[1].split("</tr>")[0]
    assert "Not set up" in row and "Issue enrolment link" in row


def test_only_managers_see_team_members(newcomer, client):
    client.force_login(newcomer)
    assert client.get(reverse("team:members")).status_code == 403
    assert client.post(reverse("team:reset_authenticator", args=[newcomer.pk])).status_code == 403


def test_the_first_manager_gets_a_link_at_the_server(manager):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("enrolment_link", "mgr", stdout=out, stderr=StringIO())
    path = out.getvalue().strip()
    client = signed_in("mgr")
    client.get(path)
    assert enrol_with(client, manager).confirmed
    assert EnrolmentInvite.objects.get(user=manager).issued_by is None


def test_the_demo_run_prints_a_link_for_each_demo_login_without_an_app():
    from demo.management.commands.runhub import demo_enrolment_links
    from demo.seed import DEMO_USERS

    vcc = user_with_role(Role.VCC, username="vcc")
    manager = user_with_role(Role.MANAGER, username="manager")
    TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    printed = demo_enrolment_links("http://127.0.0.1:8000")
    assert "vcc: http://127.0.0.1:8000/two-factor/enrol/" in printed
    assert "manager:" not in printed
    assert {"vcc", "manager"} <= {username for username, *_ in DEMO_USERS}
    assert EnrolmentInvite.objects.get().user == vcc
