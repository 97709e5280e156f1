"""Phone numbers in one format (issue 16, core/phones.py): every way a number comes in refuses
one that is not a phone number with a message on that field, and stores the rest in E.164;
pages show them as people read them, the public ones as links a phone dials."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection
from django.template import Context, Template
from django.urls import reverse
from django.utils.module_loading import import_string

from cases.models import Case, Person
from contact.models import ContactAttempt
from core import phones
from tests.factories import CaseFactory, PersonFactory, ivna_form_data, ivna_payload
from tests.intake.test_self_referral import answers

pytestmark = pytest.mark.django_db

GOOD = ["07700 900123", "07700900123", "+44 7700 900123", "0044 7700 900123", "(07700) 900-123"]
BAD = ["07700 9001", "call me", "999", "07700 900123 4567", "+44 12"]


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """The self-referral page's rate limit must not carry over from other tests."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"phones-{uuid.uuid4()}"}}


@pytest.mark.parametrize("typed", GOOD)
def test_a_uk_number_however_typed_is_one_number(typed):
    assert phones.to_e164(typed) == "+447700900123"
    assert phones.national(typed) == "07700 900123"


@pytest.mark.parametrize("typed", BAD)
def test_what_is_not_a_phone_number_is_refused(typed):
    assert phones.to_e164(typed) is None


def test_numbers_from_abroad_and_landlines_are_kept_and_shown_as_read():
    assert phones.to_e164("+33 1 23 45 67 89") == "+33123456789"
    assert phones.national("+33123456789") == "+33 1 23 45 67 89"
    assert phones.national(phones.to_e164("(01223) 123456")) == "01223 123456"
    assert phones.same_number("07700 900123", "+447700900123")
    assert not phones.same_number("07700 900123", "07700 900124")


# --- Every way in ---------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["07700 9001", "call me"])
def test_the_self_referral_form_refuses_a_number_that_is_not_one(client, typed):
    response = client.post(reverse("self_referral"), answers(phone=typed))
    assert response.status_code == 200 and not Person.objects.exists()
    assert response.context["form"].errors["phone"] == [phones.INVALID_MESSAGE]


def test_the_self_referral_form_stores_the_number_in_e164(client):
    response = client.post(reverse("self_referral"), answers(phone="07700 900123"))
    assert response.status_code == 302
    assert Person.objects.get().phone == "+447700900123"


def test_the_ivna_form_refuses_a_bad_number_and_stores_a_good_one(client, police_user):
    client.force_login(police_user)
    refused = client.post(reverse("intake:ivna_new"), ivna_form_data(phone="07700 9001"))
    assert refused.status_code == 200 and not Case.objects.exists()
    assert refused.context["form"].errors["phone"] == [phones.INVALID_MESSAGE]
    client.post(reverse("intake:ivna_new"), ivna_form_data(phone="+44 7700 900456"))
    assert Case.objects.get().person.phone == "+447700900456"


def test_the_ivna_api_names_a_bad_number_and_stores_a_good_one(police_api):
    refused = police_api.post("/api/v1/ivnas/", ivna_payload(victim__phone="07700 9001"),
                              format="json")
    assert refused.status_code == 400 and not Case.objects.exists()
    assert refused.json()["victim"]["phone"] == [phones.INVALID_MESSAGE]
    taken = police_api.post("/api/v1/ivnas/", ivna_payload(victim__phone="0044 7700 900123"),
                            format="json")
    assert taken.status_code == 201, taken.content
    assert Case.objects.get().person.phone == "+447700900123"


def test_the_call_form_refuses_a_bad_number_and_keeps_the_number_called(client, vcc_user):
    case = CaseFactory(status="awaiting_contact")
    client.force_login(vcc_user)
    when = datetime(2025, 3, 3, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    call = {"made_on": when.date().isoformat(), "made_at_time": "10:00",
            "outcome": "no_answer"}
    url = reverse("contact:record_attempt", args=[case.pk])
    refused = client.post(url, {**call, "number_used": "07700 9001"})
    assert refused.context["form"].errors["number_used"] == [phones.INVALID_MESSAGE]
    assert client.post(url, {**call, "number_used": "07700 900123"}).status_code == 302
    assert ContactAttempt.objects.get().number_used == "+447700900123"


def test_a_number_never_to_call_is_caught_however_it_was_typed():
    from contact.services import attempt_problems

    case = CaseFactory(status="awaiting_contact",
                       person=PersonFactory(unsafe_numbers=["+447700900999"]))
    when = datetime(2025, 3, 3, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    problems = attempt_problems(case=case, made_at=when, number="07700 900 999",
                                outcome="no_answer", now=when)
    assert "The victim said this number must never be called." in problems


@pytest.mark.parametrize("typed", ["+447700900123", "07700900123", "07700 900123"])
def test_search_finds_a_number_typed_at_intake_however_it_is_searched(client, vcc_user, typed):
    from intake.matching import VictimDetails, match_person

    person, _ = match_person(victim=VictimDetails(first_name="Ann", last_name="Caller",
                                                  phone="07700 900123"))
    case = CaseFactory(person=person)
    other = CaseFactory(person=PersonFactory(phone="+447700900124"))
    client.force_login(vcc_user)
    page = client.post(reverse("cases:search"), {"q": typed}).content.decode()
    assert case.reference in page and other.reference not in page


def test_the_migration_rewrites_what_parses_and_leaves_the_rest():
    person = PersonFactory(phone="07700 900123", unsafe_numbers=["07700-900-999", "his work"])
    odd = PersonFactory(phone="ask at reception")
    migration = import_string("cases.migrations.0011_phone_numbers_e164.to_e164")
    migration(apps, connection.schema_editor())
    person.refresh_from_db()
    odd.refresh_from_db()
    assert person.phone == "+447700900123"
    assert person.unsafe_numbers == ["+447700900999", "his work"]
    assert odd.phone == "ask at reception"


# --- On pages -------------------------------------------------------------------------------


def test_a_number_on_a_public_page_is_a_link_a_phone_dials(client, settings):
    settings.HUB_PHONE = "0800 000 0000"
    for url in (reverse("self_referral"), reverse("how_to_complain")):
        page = client.get(url).content.decode()
        assert 'href="tel:+448000000000">0800 000 0000</a>' in page, url


def test_the_filters_show_a_stored_number_as_people_read_it():
    template = Template("{% load phones %}{{ n|phone }} {{ n|tel }} {{ odd|tel }}")
    shown = template.render(Context({"n": "+447700900123", "odd": "ask <b>"}))
    assert shown == ('07700 900123 <a class="govuk-link hub-nowrap" href="tel:+447700900123">'
                     "07700 900123</a> ask &lt;b&gt;")
