"""API clients run by a hub manager (issue 13): list, create with the token shown once,
change the expiry, revoke; from the hub's pages and from `manage.py api_clients`; every change
kept with who made it."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from pghistory.models import Events

from accounts.models import ApiClient, hash_key
from accounts.services import create_api_client

pytestmark = pytest.mark.django_db
LIST = reverse("api_clients:list")



def test_a_manager_creates_a_client_and_sees_its_token_once(client, manager_user):
    client.force_login(manager_user)
    response = client.post(reverse("api_clients:create"),
                           {"name": "Norfolk transfers", "role": "transfer_sender", "days": "30"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    token = page.split('data-testid="api-token">')[1].split("<")[0]
    made = ApiClient.objects.get(name="Norfolk transfers")
    assert made.key_hash == hash_key(token)  # only the hash is kept
    assert (made.role, made.created_by) == ("transfer_sender", manager_user)
    assert made.expires_at.date() == (timezone.now() + timedelta(days=30)).date()
    listing = client.get(LIST).content.decode()
    assert "Norfolk transfers" in listing and token not in listing
    assert token[:8] in listing  # the start, to tell tokens apart


def test_bad_input_is_shown_on_the_form_and_nothing_is_made(client, manager_user):
    create_api_client(name="crime-system", role="police")
    client.force_login(manager_user)
    taken = client.post(reverse("api_clients:create"),
                        {"name": "crime-system", "role": "police", "days": "30"})
    assert "already exists" in taken.content.decode()
    wrong = client.post(reverse("api_clients:create"),
                        {"name": "x", "role": "manager", "days": "-1"}).content.decode()
    assert "Select a valid choice" in wrong and "Enter 0 or more days" in wrong
    assert ApiClient.objects.count() == 1


def test_revoking_refuses_the_token_at_once_and_records_who(client, manager_user, settings):
    made, token = create_api_client(name="crime-system", role="police")
    body = {"crime": {}}
    api = type(client)()
    assert api.post("/api/v1/ivnas/", body, content_type="application/json",
                    HTTP_AUTHORIZATION=f"Token {token}").status_code == 400  # let in
    client.force_login(manager_user)
    response = client.post(reverse("api_clients:revoke", args=[made.pk]), follow=True)
    assert "crime-system is revoked" in response.content.decode()
    assert api.post("/api/v1/ivnas/", body, content_type="application/json",
                    HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    made.refresh_from_db()
    assert made.revoked_by == manager_user
    [revoked] = [e for e in Events.objects.tracks(made) if e.pgh_data["revoked_at"]]
    assert revoked.pgh_context["user"] == manager_user.pk
    again = client.post(reverse("api_clients:revoke", args=[made.pk]), follow=True)
    assert "was revoked already" in again.content.decode()


def test_a_manager_changes_when_a_token_expires(client, manager_user):
    made, _ = create_api_client(name="opcc-analysts", role="opcc", expires_in_days=10)
    client.force_login(manager_user)
    client.post(reverse("api_clients:expiry", args=[made.pk]), {"days": "200"})
    made.refresh_from_db()
    assert made.expires_at.date() == (timezone.now() + timedelta(days=200)).date()
    client.post(reverse("api_clients:expiry", args=[made.pk]), {"days": "0"})
    made.refresh_from_db()
    assert made.expires_at is None
    refused = client.post(reverse("api_clients:expiry", args=[made.pk]), {"days": "5000"},
                          follow=True)
    assert "1095 days or fewer" in refused.content.decode()


def test_a_vcc_may_not_see_or_change_clients(client, vcc_user):
    made, _ = create_api_client(name="crime-system", role="police")
    client.force_login(vcc_user)
    assert client.get(LIST).status_code == 403
    assert client.post(reverse("api_clients:revoke", args=[made.pk])).status_code == 403
    made.refresh_from_db()
    assert made.revoked_at is None


def test_the_management_command_lists_revokes_and_expires():
    create_api_client(name="crime-system", role="police", expires_in_days=None)
    out = StringIO()
    call_command("api_clients", "list", stdout=out)
    assert "crime-system\tpolice\tActive\texpires never\tnever used" in out.getvalue()
    call_command("api_clients", "expire", "crime-system", "--days", "7", stdout=StringIO())
    assert ApiClient.objects.get().expires_at.date() == (
        timezone.now() + timedelta(days=7)).date()
    out = StringIO()
    call_command("api_clients", "revoke", "crime-system", stdout=out)
    assert "revoked." in out.getvalue()
    with pytest.raises(CommandError, match="is revoked: create a new client"):
        call_command("api_clients", "expire", "crime-system", "--days", "7")
    with pytest.raises(CommandError, match="No API client is called"):
        call_command("api_clients", "revoke", "nobody")
