"""The service directory: everyone who works cases reads it; only hub managers change it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pghistory.models import Events

from directory.models import SupportService
from tests.factories import SupportServiceFactory

pytestmark = pytest.mark.django_db
DIRECTORY = reverse("directory:directory")

NEW_SERVICE = {
    "name": "Huntingdon Hate Crime Support",
    "description": "Casework and advocacy for victims of hate crime.",
    "commissioned_by_pcc": "True",
    "national": "False",
    "specialisms": ["hate_crime"],
    "districts": ["huntingdonshire"],
    "how_to_refer": "Referral document by secure email.",
    "referral_email": "referrals@hate-crime.example.org",
    "phone": "01480 000000",
}


def test_vccs_and_managers_read_the_seeded_directory(client, vcc_user, manager_user):
    for user in (vcc_user, manager_user):
        client.force_login(user)
        page = client.get(DIRECTORY).content.decode()
        assert "Cambridge Rape Crisis Centre" in page
        assert ">PCC</strong>" in page and "Not by the PCC" in page
        assert "National" in page and "Local" in page
        assert "Sexual violence" in page  # specialisms
        assert "Peterborough" in page  # districts covered
        assert "Referral form by secure email" in page  # how to refer


def test_the_vcc_cannot_change_the_directory(client, vcc_user):
    service = SupportService.objects.get(name="The Bobby Scheme")
    client.force_login(vcc_user)
    page = client.get(DIRECTORY).content.decode()
    assert "Add a service" not in page
    assert reverse("directory:service_edit", args=[service.pk]) not in page
    assert client.get(reverse("directory:service_add")).status_code == 403
    assert client.post(reverse("directory:service_add"), NEW_SERVICE).status_code == 403
    assert client.post(
        reverse("directory:service_edit", args=[service.pk]), {**NEW_SERVICE, "name": "X"}
    ).status_code == 403
    assert client.post(reverse("directory:service_deactivate", args=[service.pk])).status_code \
        == 403
    service.refresh_from_db()
    assert service.active and service.name == "The Bobby Scheme"
    assert not SupportService.objects.filter(name=NEW_SERVICE["name"]).exists()


@pytest.mark.parametrize("role_user", ["police_user", "volunteer_user", "opcc_user"])
def test_roles_without_casework_cannot_read_it(client, request, role_user):
    client.force_login(request.getfixturevalue(role_user))
    assert client.get(DIRECTORY).status_code == 403


def test_a_manager_adds_edits_deactivates_and_reactivates(client, manager_user):
    client.force_login(manager_user)
    assert "Add a service" in client.get(DIRECTORY).content.decode()

    response = client.post(reverse("directory:service_add"), NEW_SERVICE)
    assert response.status_code == 302
    service = SupportService.objects.get(name=NEW_SERVICE["name"])
    assert service.commissioned_by_pcc is True and service.national is False
    assert service.specialisms == ["hate_crime"] and service.districts == ["huntingdonshire"]

    edit = reverse("directory:service_edit", args=[service.pk])
    assert NEW_SERVICE["referral_email"] in client.get(edit).content.decode()
    client.post(edit, {**NEW_SERVICE, "national": "True", "districts": []})
    service.refresh_from_db()
    assert service.national is True and service.districts == []

    confirm = client.get(reverse("directory:service_deactivate", args=[service.pk]))
    assert "Deactivate Huntingdon Hate Crime Support?" in confirm.content.decode()
    done = client.post(reverse("directory:service_deactivate", args=[service.pk]), follow=True)
    assert "Huntingdon Hate Crime Support has been deactivated" in done.content.decode()
    service.refresh_from_db()
    assert service.active is False
    assert NEW_SERVICE["name"] not in client.get(DIRECTORY).content.decode()
    assert NEW_SERVICE["name"] in client.get(DIRECTORY, {"inactive": "1"}).content.decode()

    client.post(reverse("directory:service_reactivate", args=[service.pk]))
    service.refresh_from_db()
    assert service.active is True
    # Every change is a row, with who made it.
    events = Events.objects.tracks(service).order_by("pgh_created_at")
    assert events.count() >= 4
    assert {e.pgh_context["user"] for e in events if e.pgh_context} == {manager_user.pk}


def test_the_form_errors_are_per_field(client, manager_user):
    client.force_login(manager_user)
    response = client.post(
        reverse("directory:service_add"),
        {**NEW_SERVICE, "name": "The Bobby Scheme", "referral_email": "not-an-email"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "A service with this name is already in the directory" in page
    assert "Enter an email address like name@example.org" in page


def test_the_vcc_does_not_see_deactivated_services(client, vcc_user):
    SupportService.objects.filter(name="The Bobby Scheme").update(active=False)
    client.force_login(vcc_user)
    assert "The Bobby Scheme" not in client.get(DIRECTORY, {"inactive": "1"}).content.decode()


def test_filters(client, vcc_user):
    client.force_login(vcc_user)
    page = client.get(DIRECTORY, {"specialism": "mental_health"}).content.decode()
    assert "Mental Health Pathfinders" in page
    assert "Cambridge Rape Crisis Centre" not in page
    page = client.get(DIRECTORY, {"district": "peterborough"}).content.decode()
    assert "Peterborough Rape Crisis Care Group" in page
    assert "Road Victims Trust" in page  # covers the whole area
    assert "Migrant Support Worker" not in page  # Fenland only


def _directory_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DIRECTORY).status_code == 200
    return len(queries)


def test_the_directory_takes_the_same_queries_however_long(client, manager_user):
    client.force_login(manager_user)
    before = _directory_queries(client)
    for n in range(20):
        SupportServiceFactory(
            name=f"Service {n}", specialisms=["bereavement"], districts=["fenland"]
        )
    assert _directory_queries(client) == before
