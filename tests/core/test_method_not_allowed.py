"""A GET on an address that only takes a form (issue 16): the hub's own page, with the way
back, not Django's empty 405; the API keeps its JSON."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

APPROVE = reverse("scheduling:approve_letters")  # a View without `get`


def test_a_get_on_a_form_only_address_shows_the_hubs_page_and_the_way_back(client, vcc_user):
    client.force_login(vcc_user)
    response = client.get(APPROVE, HTTP_REFERER="http://testserver/work/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    page = response.content.decode()
    assert "This address only takes a form" in page and "Nothing has been changed." in page
    assert '<a class="govuk-link" href="http://testserver/work/">Go back' in page
    assert 'data-testid="header-user"' in page  # in the hub's layout, signed in


def test_the_way_back_never_leads_off_the_hub(client, vcc_user):
    client.force_login(vcc_user)
    page = client.get(APPROVE, HTTP_REFERER="https://elsewhere.example/").content.decode()
    assert "elsewhere.example" not in page
    assert f'href="{reverse("home")}">Go to your work' in page


def test_signing_out_by_address_shows_the_page_too(client, vcc_user):
    client.force_login(vcc_user)
    response = client.get(reverse("logout"))
    assert response.status_code == 405
    assert "This address only takes a form" in response.content.decode()


def test_the_api_keeps_its_json_405(police_api):
    response = police_api.get("/api/v1/ivnas/")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json" and "detail" in response.json()
