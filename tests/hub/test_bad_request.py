"""A request the hub cannot read gets a page that says so, in the hub's layout
(core/error_pages.py):
a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, a NUL character, a bad Host. The
status stays 400; the API keeps its JSON errors."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.html import escape

from cases.models import Case
from contact.models import ContactNote
from core.error_pages import bad_request
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
TOO_LARGE = "What you sent was too large"
SAVED = "Nothing has been saved."


def _signed_in_with_csrf(user) -> tuple[Client, str]:
    """A browser as it is: CSRF checked, so the middleware reads the body before any view."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("cases:list"))
    return client, client.cookies[settings.CSRF_COOKIE_NAME].value


def test_a_form_over_the_limit_gets_the_page_that_says_so(vcc_user):
    case = CaseFactory(allocated_to=vcc_user)
    client, token = _signed_in_with_csrf(vcc_user)
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert limit == 64 * 1024

    response = client.post(
        reverse("contact:add_note", args=[case.pk]),
        {"csrfmiddlewaretoken": token, "text": "x" * limit},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert TOO_LARGE in page
    assert "larger than 64 KB" in page and SAVED in page
    # The hub's layout, with who is signed in, and its headers.
    assert f"<title>What you sent was too large – {escape(settings.HUB_NAME)}</title>" in page
    assert vcc_user.get_full_name() in page and "Sign out" in page
    assert "Go to your work" in page
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not ContactNote.objects.exists()


def test_anonymous_over_the_limit_gets_the_page_too():
    browser = Client(enforce_csrf_checks=True)
    browser.get(reverse("login"))
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value

    response = browser.post(
        reverse("login"), {"csrfmiddlewaretoken": token, "username": "x" * 70_000}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert TOO_LARGE in page and SAVED in page and "Sign out" not in page


def test_a_public_form_over_the_limit(client):
    before = Case.objects.count()
    response = client.post(reverse("self_referral"), {"account": "x" * 70_000})
    assert response.status_code == 400
    page = response.content.decode()
    assert TOO_LARGE in page
    # A member of the public has no work to go to: the link leads to the start page.
    assert "Go to the start page" in page and "Go to your work" not in page
    assert Case.objects.count() == before


def test_too_many_fields(vcc_user):
    client, token = _signed_in_with_csrf(vcc_user)
    fields = {f"f{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}

    response = client.post(reverse("cases:list"), {"csrfmiddlewaretoken": token, **fields})

    assert response.status_code == 400
    page = response.content.decode()
    assert "What you sent had too many answers" in page and "more than 1,000" in page
    assert SAVED in page


def test_a_nul_character_in_a_form_or_a_query(vcc_user, client):
    client.force_login(vcc_user)
    for response in (
        client.post(reverse("cases:list"), {"q": "Smith\x00"}),
        client.get(reverse("cases:list"), {"district": "\x00"}),
    ):
        assert response.status_code == 400
        page = response.content.decode()
        assert "a character the hub cannot store" in page and SAVED in page


def test_any_other_bad_request_says_nothing_was_saved(client):
    response = client.get(reverse("landing"), HTTP_HOST="not-the-hub.example")
    assert response.status_code == 400
    page = response.content.decode()
    assert "The hub could not read what was sent" in page and SAVED in page


def test_the_api_keeps_its_json(opcc_api):
    many = {f"f{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = opcc_api.get(reverse("api-performance-flow"), many)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"body": ["The request has more than 1000 fields."]}
    # A body over the limit that reaches the handler is the 413 the API documents.
    request = RequestFactory().post("/api/v1/ivnas/")
    too_large = bad_request(request, RequestDataTooBig())
    assert too_large.status_code == 413
    assert too_large["Content-Type"] == "application/json"
    assert str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) in too_large.content.decode()
    assert bad_request(request, TooManyFieldsSent()).status_code == 400
