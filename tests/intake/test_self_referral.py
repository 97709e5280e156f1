"""The public self-referral pages: a victim, family member, guardian or carer asks for support
without a police report."""

from __future__ import annotations

import logging
import re
import time
import uuid

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from pghistory.models import Events

from cases.models import Case, CaseTransition, Person
from contact.models import Letter
from core.working_days import end_of_working_day
from intake.models import SelfReferral
from intake.selfreferral import issue_form_token
from scheduling.models import ItemKind, ScheduledItem
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

FORM = reverse("self_referral")
DONE = reverse("self_referral_done")
EXIT = 'data-module="govuk-exit-this-page"'


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """A fresh cache per test: the rate limit must not carry over between tests (or from a
    shared Redis)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"self-referral-{uuid.uuid4()}",
        }
    }


def answers(**overrides) -> dict:
    """A complete, valid submission, as if the form was opened a minute ago."""
    data = {
        "started": issue_form_token(now=time.time() - 60),
        "website": "",
        "asked_by": "victim",
        "first_name": "Ann",
        "last_name": "Example",
        "under_18": "no",
        "district": "fenland",
        "first_language": "en",
        "phone": "07700 900123",
        "email": "ann@example.org",
        "safe_to_call": "yes",
        "may_leave_message": "no",
        # Three parts of the day: room for the three attempts (contact.services.contact_path).
        "call_bands": ["morning", "afternoon", "evening"],
        "safe_to_write": "yes",
        "reported_to_police": "no",
        "account": "Someone keeps damaging my car outside the house.",
    }
    for name, value in overrides.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def snapshot() -> tuple[int, ...]:
    return (
        Person.objects.count(),
        Case.objects.count(),
        SelfReferral.objects.count(),
        CaseTransition.objects.count(),
        ScheduledItem.objects.count(),
        Letter.objects.count(),
    )


# --- What a submission creates ----------------------------------------------------------


def test_opens_one_awaiting_contact_case_in_the_vcc_queue_and_schedules_the_first_call(client):
    response = client.post(FORM, answers())

    assert response.status_code == 302
    assert response["Location"] == DONE  # nothing about the person in the URL
    person = Person.objects.get()
    case = Case.objects.get()
    assert case.person == person
    assert (case.source, case.route, case.status) == (
        "self_referral",
        "hub_contact",
        "awaiting_contact",
    )
    assert case.crime is None and case.allocated_to is None and not case.enhanced_entitlement
    assert case.contact_due_at == end_of_working_day(case.referred_at, 5)
    assert (person.first_name, person.last_name, person.police_person_id) == (
        "Ann",
        "Example",
        None,
    )
    assert person.phone == "+447700900123" and person.district == "fenland"
    assert person.safe_to_call and person.safe_to_write and not person.may_leave_message
    assert sorted(person.safe_contact_bands) == ["afternoon", "evening", "morning"]

    referral = case.self_referral
    assert referral.asked_by == "victim" and not referral.under_18
    assert referral.reported_to_police == "no"
    assert referral.account == "Someone keeps damaging my car outside the house."

    moves = list(case.transitions.values_list("from_status", "to_status", "by"))
    assert moves == [("", "received", None), ("received", "awaiting_contact", None)]
    first_call = ScheduledItem.objects.get(case=case, kind=ItemKind.FIRST_CONTACT)
    assert first_call.deadline_at == case.contact_due_at
    contexts = [e.pgh_context or {} for e in Events.objects.tracks(case)]
    assert any(c.get("via") == "self_referral" for c in contexts)


def test_under_18_has_the_enhanced_entitlement_and_is_contacted_within_one_working_day(client):
    client.post(FORM, answers(under_18="yes"))
    case = Case.objects.get()
    assert case.enhanced_entitlement and case.self_referral.under_18
    assert case.contact_due_at == end_of_working_day(case.referred_at, 1)
    assert "within one working day" in client.get(DONE).content.decode()


@pytest.mark.parametrize(("safe_to_write", "letters"), [("yes", 1), ("no", 0)])
def test_the_introductory_letter_is_queued_only_when_it_is_safe_to_write(
    client, safe_to_write, letters
):
    client.post(FORM, answers(safe_to_write=safe_to_write))
    case = Case.objects.select_related("person").get()
    assert case.person.safe_to_write is (safe_to_write == "yes")
    assert Letter.objects.filter(case=case).count() == letters
    assert ScheduledItem.objects.filter(case=case, kind=ItemKind.SEND_LETTER).count() == letters
    if not letters:
        assert case.no_letter_reason == "Not safe to write to the victim."
    # The first call is scheduled either way.
    assert ScheduledItem.objects.filter(case=case, kind=ItemKind.FIRST_CONTACT).exists()


def test_not_safe_to_call_keeps_no_message_and_no_call_times(client):
    client.post(FORM, answers(safe_to_call="no", may_leave_message="yes"))
    person = Person.objects.get()
    assert not person.safe_to_call and not person.may_leave_message
    assert person.safe_contact_bands == []


def test_a_family_member_asking_is_recorded_with_their_name_and_relationship(client):
    client.post(
        FORM,
        answers(asked_by="family", asker_name="Beth Example", asker_relationship="Sister"),
    )
    referral = SelfReferral.objects.get()
    assert (referral.asked_by, referral.asker_name, referral.asker_relationship) == (
        "family",
        "Beth Example",
        "Sister",
    )


def test_the_same_name_again_is_a_separate_person_never_matched(client):
    known = PersonFactory(first_name="Ann", last_name="Example", phone="07700 900123")

    client.post(FORM, answers())
    client.post(FORM, answers())

    people = Person.objects.filter(first_name="Ann", last_name="Example").exclude(pk=known.pk)
    assert people.count() == 2
    assert not known.cases.exists()
    assert Case.objects.filter(person__in=people).count() == 2


def test_a_safe_address_alone_is_a_way_to_contact(client):
    response = client.post(
        FORM,
        answers(
            phone="", email="", address_line1="1 High St", town="Wisbech", postcode="pe13 1aa",
            safe_to_call="no",
        ),
    )
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.address_line1, person.postcode) == ("1 High St", "PE13 1AA")


# --- Refused submissions: a polite message, nothing saved --------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param(lambda: {"website": "http://spam.example"}, "could not send your request",
                     id="honeypot filled"),
        pytest.param(lambda: {"started": issue_form_token()}, "could not send your request",
                     id="too fast"),
        pytest.param(lambda: {"started": issue_form_token(now=time.time() - 2 * 60 * 60 - 5)},
                     "open for more than 2 hours", id="too old"),
        pytest.param(lambda: {"started": "1700000000000:forged"}, "could not send your request",
                     id="forged timestamp"),
        pytest.param(lambda: {"started": None}, "could not send your request",
                     id="no timestamp"),
    ],
)
def test_a_refused_submission_saves_nothing(client, overrides, message):
    before = snapshot()
    response = client.post(FORM, answers(**overrides()))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "govuk-error-summary" in page
    assert [message in e for e in response.context["form"].non_field_errors()] == [True]
    assert snapshot() == before


def test_more_than_five_submissions_an_hour_from_one_address_are_refused(client, settings):
    assert settings.HUB_SELF_REFERRAL_RATE_LIMIT == 5
    for _ in range(5):
        assert client.post(FORM, answers()).status_code == 302
    before = snapshot()

    response = client.post(FORM, answers())

    assert response.status_code == 200
    page = response.content.decode()
    assert "several requests from this connection" in page
    assert settings.HUB_PHONE in page
    assert snapshot() == before
    # Another address is not held back.
    assert client.post(FORM, answers(), REMOTE_ADDR="192.0.2.7").status_code == 302


def test_the_rate_limit_keeps_a_hash_never_the_address(client):
    client.post(FORM, answers(), REMOTE_ADDR="198.51.100.23")
    keys = list(cache._cache.keys())  # the local-memory cache of this test
    assert keys and all("198.51.100.23" not in key for key in keys)


def test_invalid_answers_do_not_count_towards_the_rate_limit(client):
    for _ in range(6):
        client.post(FORM, answers(first_name=""))
    assert client.post(FORM, answers()).status_code == 302


# --- Errors: a summary and a message by each field ---------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"asked_by": None}, "asked_by", "Select who is asking for support"),
        ({"first_name": " "}, "first_name", "Enter the first name of the person who needs"),
        ({"under_18": None}, "under_18", "Select yes if the person who needs support is under 18"),
        ({"phone": "", "email": ""}, "phone", "Enter a phone number, an email address or a"),
        ({"phone": "call me"}, "phone", "Enter a phone number, like 01632 960 001"),
        ({"email": "ann-at-example"}, "email", "Enter an email address like name@example.com"),
        ({"safe_to_call": None}, "safe_to_call", "Select yes if it is safe for us to phone"),
        ({"may_leave_message": None}, "may_leave_message", "Select yes if we may leave a message"),
        ({"safe_to_write": None}, "safe_to_write", "Select yes if it is safe for us to write"),
        ({"asked_by": "carer", "asker_name": ""}, "asker_name", "Enter your name"),
        (
            {"asked_by": "family", "asker_name": "Beth", "asker_relationship": ""},
            "asker_relationship",
            "Enter your relationship to the person who needs support",
        ),
        (
            {"phone": "", "address_line1": "1 High St"},
            "postcode",
            "Enter the postcode",
        ),
        (
            {"safe_to_call": "no", "safe_to_write": "yes", "email": ""},
            "safe_to_call",
            "Tell us at least one safe way to contact you",
        ),
        ({"account": "x" * 3001}, "account", "What happened must be 3000 characters or fewer"),
    ],
)
def test_each_error_is_in_the_summary_and_by_its_field(client, overrides, field, message):
    before = snapshot()
    response = client.post(FORM, answers(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    page = response.content.decode()
    assert page.count(message) >= 2, "in the error summary and by the field"
    assert "<title>Error: Ask for support" in page
    assert snapshot() == before


def test_every_required_question_is_named_when_nothing_is_answered(client):
    response = client.post(FORM, {"started": issue_form_token(now=time.time() - 60)})
    errors = response.context["form"].errors
    assert set(errors) == {"asked_by", "first_name", "under_18", "phone", "safe_to_call",
                           "safe_to_write"}
    assert Case.objects.count() == 0


# --- The confirmation --------------------------------------------------------------------


def test_the_confirmation_shows_each_session_only_its_own_reference_once():
    first, second = Client(), Client()
    first.post(FORM, answers(first_name="Ann"))
    second.post(FORM, answers(first_name="Cat", safe_to_call="no", email="cat@example.org"))
    ann, cat = (c.self_referral.public_reference for c in Case.objects.order_by("pk"))

    page = first.get(DONE).content.decode()
    assert ann in page and cat not in page
    assert "Ann" not in page and "Cat" not in page  # the reference only, no names
    assert "within five working days" in page and "by phone" in page

    page = second.get(DONE).content.decode()
    assert cat in page and ann not in page
    assert "we will not phone you" in page and "by letter or email" in page

    # Once: the reference is gone from the session after it was shown.
    again = first.get(DONE)
    assert again.status_code == 302 and again["Location"] == FORM


def test_the_confirmation_never_looks_anything_up_from_the_url(client):
    client.post(FORM, answers())
    case = Case.objects.get()
    stranger = Client()
    for query in ({"reference": case.reference}, {"case": case.pk}, {"pk": case.pk}):
        response = stranger.get(DONE, query)
        assert response.status_code == 302 and response["Location"] == FORM


def test_the_confirmation_says_what_happens_next(client, settings):
    client.post(FORM, answers(may_leave_message="yes"))
    page = client.get(DONE).content.decode()
    assert "Victim Care Co-ordinator will contact you within five working days" in page
    assert "we may leave a message" in page
    assert settings.HUB_PHONE in page and "call 999" in page


# --- Public, never cached, with the way out -------------------------------------------


def test_both_pages_are_public_never_cached_and_have_exit_this_page(client):
    form = client.get(FORM)
    assert form.status_code == 200
    client.post(FORM, answers())
    done = client.get(DONE)
    assert done.status_code == 200
    for response in (form, done):
        assert "no-store" in response["Cache-Control"]
        page = response.content.decode()
        assert EXIT in page and 'href="https://www.bbc.co.uk/weather"' in page
        assert "govuk-exit-this-page__button" in page and "<script>" not in page


def test_the_form_carries_a_signed_start_time_and_a_hidden_honeypot(client):
    page = client.get(FORM).content.decode()
    assert 'name="started"' in page
    assert 'name="website"' in page and 'tabindex="-1"' in page


def test_a_signed_in_user_can_use_the_page_too(client, vcc_user):
    client.force_login(vcc_user)
    assert client.get(FORM).status_code == 200
    assert client.post(FORM, answers()).status_code == 302


def test_the_landing_page_offers_the_self_referral(client):
    page = client.get(reverse("landing")).content.decode()
    assert f'href="{FORM}"' in page and "Ask for support" in page


def test_no_personal_data_in_the_logs(client, caplog):
    with caplog.at_level(logging.DEBUG):
        client.post(FORM, answers(first_name="Zebedee", email="zeb@example.org"))
        client.post(FORM, answers(first_name="Zebedee", website="spam"))
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "Self-referral received" in text and "Self-referral refused: honeypot" in text
    assert "Zebedee" not in text and "zeb@example.org" not in text


def test_the_vcc_reads_what_they_told_us_on_the_case_page(client, vcc_user):
    Client().post(FORM, answers(asked_by="carer", asker_name="Dee", asker_relationship="Carer"))
    case = Case.objects.get()
    client.force_login(vcc_user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "They asked for support themselves" in page
    assert "Someone keeps damaging my car outside the house." in page
    assert "Dee (Carer)" in page


@pytest.mark.parametrize("safe_to_call", [None, "yes"])
def test_each_link_in_the_error_summary_goes_to_its_question(client, safe_to_call):
    data = {"started": issue_form_token(now=time.time() - 60), "account": "x" * 3001}
    if safe_to_call:
        data["safe_to_call"] = safe_to_call
    page = client.post(FORM, data).content.decode()
    summary = page.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    anchors = re.findall(r'href="#([^"]+)"', summary)
    assert len(anchors) == 7
    for anchor in anchors:
        assert f'id="{anchor}"' in page, f"the summary links to #{anchor}, which is not there"
