"""The subject access bundle: everything about one person, nothing about anyone else, as
JSON and as PDF; each download recorded; for managers only."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessLog
from contact.models import ContactNote
from privacy.models import DataSubjectRequest
from tests.factories import CaseFactory, LetterFactory
from tests.privacy.conftest import make_victim, pdf_text

pytestmark = pytest.mark.django_db


def json_url(person) -> str:
    return reverse("privacy:subject_access_json", args=[person.pk])


def pdf_url(person) -> str:
    return reverse("privacy:subject_access_pdf", args=[person.pk])


def page_url(person) -> str:
    return reverse("privacy:subject_access", args=[person.pk])


@pytest.fixture
def other(db, vcc_user):
    """Another victim, with the same kinds of record."""
    other = make_victim(vcc_user, n=2)
    type(other.person).objects.filter(pk=other.person.pk).update(
        first_name="Otherperson", last_name="Elsewhere", phone="07700900999",
        email="other@example.org",
    )
    return other


def review_all(client, person, **choices) -> None:
    """The manager's review before the bundle (privacy.redaction): everything included,
    unless told otherwise."""
    from privacy.redaction import review_items

    data = {item.key: choices.get(item.key, "include") for item in review_items(person)}
    response = client.post(reverse("privacy:subject_access_review", args=[person.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def get_bundle(client, person) -> dict:
    review_all(client, person)
    response = client.get(json_url(person))
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_json_has_the_person_s_data_from_every_record(client, manager_user, victim, other):
    client.force_login(manager_user)
    # A read to find in the access log.
    client.get(reverse("cases:detail", args=[victim.case.pk]))
    bundle = get_bundle(client, victim.person)

    assert bundle["person"]["first_name"] == "Zebedee"
    assert bundle["person"]["phone"] == "07700900555"
    assert bundle["person"]["date_of_birth"] == "1979-03-14"
    assert bundle["person"]["safe_contact_notes"].startswith("ZQX")
    cases = {case["reference"]: case for case in bundle["cases"]}
    assert set(cases) == {victim.case.reference, victim.self_referred.reference}
    case = cases[victim.case.reference]
    assert case["crime"]["reference"] == "CF/ZQX/1"
    assert case["ivna"]["notes"].startswith("ZQX officer notes")
    assert case["dvnas"][0]["risk_notes"] == "ZQX risk notes"
    assert case["dvnas"][0]["needs"][0]["notes"] == "ZQX door kicked in"
    assert case["consents"][0]["given"] is True
    assert case["recovery_plans"][0]["actions"][0]["description"] == "ZQX advocacy for Zebedee"
    assert case["reviews"][0]["notes"] == "ZQX review notes"
    assert case["closures"][0]["notes"] == "ZQX bye"
    assert case["closures"][0]["outcomes"][0]["outcome"] == "better"
    assert case["surveys"][0]["comments"].startswith("ZQX thank you")
    assert case["letters"][0]["text"] == "Dear Zebedee Quillfeather"
    assert "pdf" not in case["letters"][0]  # the letter's text and metadata, not its bytes
    assert case["contact_attempts"][0]["number_used"] == "07700900555"
    assert {n["text"] for n in case["contact_notes"]} == {
        "ZQX note about Zebedee", "ZQX restricted note"
    }
    assert case["referrals"][0]["service_name"] == "ZQ Test Advocacy 1"
    assert "document" not in case["referrals"][0]
    assert case["transfers"][0]["their_reference"] == "NFK-ZQX-1"
    allocation = case["volunteer_allocations"][0]
    assert allocation["hours"][0]["notes"] == "ZQX visit at home"
    assert str(allocation["volunteer_user_id"]) in bundle["staff"]
    assert any("declined support" in t["reason"] for t in case["timeline"])
    assert cases[victim.self_referred.reference]["self_referral"]["account"].startswith("ZQX")
    # Who read the record.
    assert any(entry["detail"] == "case page" and entry["case_ids"] == [victim.case.pk]
               for entry in bundle["access_log"])
    assert str(manager_user.pk) in bundle["staff"]


def test_the_json_has_nothing_of_another_person(client, manager_user, victim, other):
    client.force_login(manager_user)
    # A list page reads both people: the log row is theirs too, but not the other's ids.
    client.get(reverse("cases:list"))
    review_all(client, victim.person)
    body = client.get(json_url(victim.person)).content.decode()
    for text in ("Otherperson", "Elsewhere", "07700900999", "other@example.org",
                 other.case.reference, "CF/ZQX/2", "NFK-ZQX-2"):
        assert text not in body, text
    bundle = json.loads(body)
    other_ids = {other.case.pk, other.self_referred.pk}
    for entry in bundle["access_log"]:
        assert not set(entry["case_ids"]) & other_ids


def test_the_pdf_is_readable_and_has_the_name(client, manager_user, victim):
    client.force_login(manager_user)
    review_all(client, victim.person)
    response = client.get(pdf_url(victim.person))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Subject access: Zebedee Quillfeather" in text
    assert "07700900555" in text
    assert victim.case.reference in text
    assert "ZQX door kicked in" in text


def test_each_download_is_recorded_and_never_cached(client, manager_user, victim):
    client.force_login(manager_user)
    review_all(client, victim.person)
    for url, export_format in ((json_url(victim.person), "json"),
                               (pdf_url(victim.person), "pdf")):
        response = client.get(url)
        assert response["Cache-Control"] == "no-store"
        assert "attachment" in response["Content-Disposition"]
        request = DataSubjectRequest.objects.filter(kind="access").latest("pk")
        assert (request.person, request.by, request.export_format) == (
            victim.person, manager_user, export_format
        )
        assert set(request.case_ids) == {victim.case.pk, victim.self_referred.pk}
        log = AccessLog.objects.filter(action="export").latest("pk")
        assert log.user == manager_user and log.person_ids == [victim.person.pk]
        assert export_format.upper() in log.detail


def test_the_page_is_a_read_too(client, manager_user, victim):
    client.force_login(manager_user)
    page = client.get(page_url(victim.person)).content.decode()
    assert "Zebedee Quillfeather" in page and "Download the bundle (PDF)" in page
    assert AccessLog.objects.filter(detail="subject access page",
                                    person_ids=[victim.person.pk]).exists()


def test_queries_do_not_grow_with_the_cases(client, manager_user, victim):
    client.force_login(manager_user)

    def queries() -> int:
        review_all(client, victim.person)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(json_url(victim.person)).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(4):
        case = CaseFactory(person=victim.person)
        ContactNote.objects.create(case=case, author=manager_user, text="Another note")
        LetterFactory(case=case, kind="introductory", channel="email", text="Dear Z")
    assert queries() == few


@pytest.mark.parametrize("name", ["subject_access", "subject_access_json", "subject_access_pdf",
                                  "rectify", "erasure", "person_hold"])
def test_managers_only(client, name, victim, vcc_user, police_user, volunteer_user, opcc_user):
    url = reverse(f"privacy:{name}", args=[victim.person.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for user in (vcc_user, police_user, volunteer_user, opcc_user):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 403, user
        assert "Zebedee" not in response.content.decode()
    assert not DataSubjectRequest.objects.exists()


def test_an_unknown_person_is_404(client, manager_user):
    client.force_login(manager_user)
    assert client.get(reverse("privacy:subject_access_json", args=[999999])).status_code == 404
