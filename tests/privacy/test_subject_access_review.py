"""The review before a subject access bundle is disclosed (issue 13): restricted notes, the
reasons staff gave for opening the case and other people's details are listed for a manager
to include or redact; the choices are logged and the bundle follows them."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from audit.models import AccessLog
from contact.models import ContactNote
from core.errors import DomainError
from privacy.models import DataSubjectRequest, SubjectAccessReview
from privacy.redaction import record_review, review_items
from tests.privacy.conftest import pdf_text

pytestmark = pytest.mark.django_db


def review_url(person) -> str:
    return reverse("privacy:subject_access_review", args=[person.pk])


def json_url(person) -> str:
    return reverse("privacy:subject_access_json", args=[person.pk])


def keys_of(person) -> dict[str, str]:
    """Each item's key by the start of its text."""
    return {item.text: item.key for item in review_items(person)}


def key_starting(person, text: str) -> str:
    [key] = [k for t, k in keys_of(person).items() if t.startswith(text)]
    return key


def choose(person, redact: tuple[str, ...]) -> dict[str, str]:
    """Include everything but the items whose text starts with one of `redact`."""
    return {
        key: "redact" if text.startswith(redact) else "include"
        for text, key in keys_of(person).items()
    }


REDACTED_TEXTS = ("ZQX restricted note", "ZQX covering", "Asked by ZQX Auntie",
                  "ZQX officer notes", "ZQX transfer notes")


def test_the_review_lists_restricted_notes_reasons_for_access_and_third_parties(
    client, manager_user, victim
):
    client.force_login(manager_user)
    response = client.get(review_url(victim.person))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("ZQX restricted note", "Restricted note", "ZQX note about Zebedee",
                 "ZQX covering while Zebedee", "Reason for access (named",
                 "ZQX Auntie", "ZQX aunt", "ZQX what happened to Zebedee",
                 "ZQX officer notes", "ZQX transfer notes"):
        assert text in page, text
    assert page.count('value="redact"') == len(review_items(victim.person)) == 6
    assert AccessLog.objects.filter(
        detail="subject access review", person_ids=[victim.person.pk]
    ).exists()


def test_no_bundle_is_produced_before_the_review(client, manager_user, victim):
    client.force_login(manager_user)
    for name in ("subject_access_json", "subject_access_pdf"):
        response = client.get(reverse(f"privacy:{name}", args=[victim.person.pk]))
        assert response.status_code == 302 and response["Location"] == review_url(victim.person)
    assert not DataSubjectRequest.objects.exists()


def test_the_bundle_replaces_what_was_redacted_and_keeps_what_was_included(
    client, manager_user, victim
):
    client.force_login(manager_user)
    person = victim.person
    response = client.post(review_url(person), choose(person, REDACTED_TEXTS))
    assert response.status_code == 302
    assert "1 included, 5 redacted" in client.get(response["Location"]).content.decode()

    body = client.get(json_url(person)).content.decode()
    for text in ("ZQX restricted note", "ZQX covering", "ZQX Auntie", "ZQX aunt",
                 "ZQX what happened", "ZQX officer notes", "ZQX transfer notes"):
        assert text not in body, text
    bundle = json.loads(body)
    cases = {case["reference"]: case for case in bundle["cases"]}
    case = cases[victim.case.reference]
    assert sorted(n["text"] for n in case["contact_notes"]) == [
        "ZQX note about Zebedee", "[redacted]"
    ]
    assert [g["reason"] for g in case["access_grants"]] == ["[redacted]"]
    assert case["ivna"]["notes"] == "[redacted]"
    assert case["transfers"][0]["notes"] == "[redacted]"
    assert case["transfers"][0]["their_reference"] == "NFK-ZQX-1"  # the hub's record stays
    referral = cases[victim.self_referred.reference]["self_referral"]
    assert referral["asker_name"] == referral["account"] == "[redacted]"

    pdf = client.get(reverse("privacy:subject_access_pdf", args=[person.pk]))
    text = pdf_text(pdf.content)
    assert "[redacted]" in text and "ZQX note about Zebedee" in text
    assert "ZQX restricted note" not in text and "ZQX Auntie" not in text
    assert DataSubjectRequest.objects.filter(kind="access").latest("pk").detail.endswith(
        "5 items redacted."
    )


def test_the_choices_are_logged_by_item_never_with_the_text(client, manager_user, victim):
    client.force_login(manager_user)
    person = victim.person
    client.post(review_url(person), choose(person, ("ZQX restricted note",)))
    review = SubjectAccessReview.objects.get()
    assert (review.person, review.by) == (person, manager_user)
    note = ContactNote.objects.get(text="ZQX restricted note")
    assert review.decisions[f"note:{note.pk}"] == "redact"
    assert set(review.decisions) == set(keys_of(person).values())
    assert list(review.decisions.values()).count("include") == 5
    assert "ZQX" not in json.dumps(review.decisions)
    # The page shows who reviewed last, and their choices again.
    page = client.get(review_url(person)).content.decode()
    assert "Last reviewed by" in page and page.count("checked") == 6


def test_every_item_needs_a_choice(client, manager_user, victim):
    client.force_login(manager_user)
    choices = choose(victim.person, ())
    choices.pop(key_starting(victim.person, "ZQX restricted note"))
    response = client.post(review_url(victim.person), choices)
    assert response.status_code == 200
    assert "Choose include or redact for every item (1 not chosen)" in response.content.decode()
    assert not SubjectAccessReview.objects.exists()


def test_a_note_written_after_the_review_needs_a_new_review(client, manager_user, victim):
    client.force_login(manager_user)
    client.post(review_url(victim.person), choose(victim.person, ()))
    assert client.get(json_url(victim.person)).status_code == 200
    ContactNote.objects.create(case=victim.case, author=manager_user, text="ZQX later note")
    response = client.get(json_url(victim.person))
    assert response.status_code == 302 and response["Location"] == review_url(victim.person)


def test_only_managers_review(client, victim, vcc_user, police_user, volunteer_user, opcc_user):
    url = review_url(victim.person)
    data = choose(victim.person, ())
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for user in (vcc_user, police_user, volunteer_user, opcc_user):
        client.force_login(user)
        assert client.get(url).status_code == 403, user
        assert client.post(url, data).status_code == 403, user
    assert not SubjectAccessReview.objects.exists()
    with pytest.raises(DomainError):
        record_review(person=victim.person, by=vcc_user, choices=data)
