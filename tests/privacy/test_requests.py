"""Rectification, erasure and legal holds through the pages; the schedule page; the panel on
the case page. Each request is a DataSubjectRequest row."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse

from audit.models import AccessLog
from cases.models import Person
from privacy.models import (
    AnonymisedCase,
    AnonymisedPerson,
    DataSubjectRequest,
    LegalHold,
    RetentionRule,
)
from tests.privacy.conftest import ago, secrets_in_database, set_dates

pytestmark = pytest.mark.django_db


def rectify_form(person: Person, **changes) -> dict:
    dob = person.date_of_birth
    body = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "date_of_birth_0": str(dob.day) if dob else "",
        "date_of_birth_1": str(dob.month) if dob else "",
        "date_of_birth_2": str(dob.year) if dob else "",
        "phone": person.phone,
        "email": person.email,
        "address_line1": person.address_line1,
        "address_line2": person.address_line2,
        "town": person.town,
        "postcode": person.postcode,
        "safe_to_call": "yes" if person.safe_to_call else "no",
        "may_leave_message": "yes" if person.may_leave_message else "no",
        "safe_to_write": "yes" if person.safe_to_write else "no",
        "safe_contact_bands": person.safe_contact_bands,
        "safe_contact_notes": person.safe_contact_notes,
        "reason": "The victim rang to correct it.",
    }
    body.update(changes)
    return body


# -- Rectification -------------------------------------------------------------------------


def test_a_rectification_changes_the_detail_and_is_recorded(client, manager_user, victim):
    client.force_login(manager_user)
    url = reverse("privacy:rectify", args=[victim.person.pk])
    assert "07700 900555" in client.get(url).content.decode()  # the form shows what is held
    response = client.post(url, rectify_form(victim.person, phone="07700900111",
                                             date_of_birth_0="15"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("privacy:subject_access", args=[victim.person.pk])
    person = Person.objects.get(pk=victim.person.pk)
    assert person.phone == "+447700900111" and person.date_of_birth.day == 15
    request = DataSubjectRequest.objects.get(kind="rectification")
    assert sorted(request.fields) == ["date_of_birth", "phone"]
    assert request.by == manager_user and request.detail == "The victim rang to correct it."
    # Old and new are in the history, with who did it.
    events = apps.get_model("cases", "PersonEvent").objects.filter(pgh_obj_id=person.pk)
    last = events.order_by("-pgh_id").first()
    assert last.phone == "+447700900111"
    assert events.filter(phone="07700900555").exists()
    assert last.pgh_context.metadata["user"] == manager_user.pk
    assert AccessLog.objects.filter(detail="rectification form").exists()


def test_a_rectification_needs_a_change_and_a_reason(client, manager_user, victim):
    client.force_login(manager_user)
    url = reverse("privacy:rectify", args=[victim.person.pk])
    page = client.post(url, rectify_form(victim.person)).content.decode()
    assert "Nothing was changed" in page
    page = client.post(url, rectify_form(victim.person, phone="0", reason="")).content.decode()
    assert "Enter why the details are being corrected" in page
    assert not DataSubjectRequest.objects.exists()
    assert Person.objects.get(pk=victim.person.pk).phone == "07700900555"


# -- Erasure ---------------------------------------------------------------------------------


def test_an_erasure_anonymises_every_case_now(client, manager_user, victim):
    client.force_login(manager_user)
    url = reverse("privacy:erasure", args=[victim.person.pk])
    response = client.post(url, {"decision": "erased", "reason": "Asked by letter.",
                                 "confirm": "on"})
    assert response.status_code == 302
    request = DataSubjectRequest.objects.get(kind="erasure")
    assert request.decision == "erased"
    assert set(request.case_ids) == {victim.case.pk, victim.self_referred.pk}
    assert AnonymisedCase.objects.filter(because="erasure").count() == 2
    assert AnonymisedPerson.objects.filter(person=victim.person, by=manager_user).exists()
    assert secrets_in_database() == []
    page = client.get(response["Location"]).content.decode()
    assert "Erasure recorded" in page and "Anonymised" in page


def test_an_erasure_must_be_confirmed(client, manager_user, victim):
    client.force_login(manager_user)
    url = reverse("privacy:erasure", args=[victim.person.pk])
    page = client.post(url, {"decision": "erased", "reason": "Asked."}).content.decode()
    assert "cannot be undone" in page
    assert not AnonymisedCase.objects.exists() and not DataSubjectRequest.objects.exists()


def test_a_legal_hold_stops_an_erasure(client, manager_user, victim):
    LegalHold.objects.create(case=victim.case, reason="investigation", detail="Trial in May",
                             placed_by=manager_user)
    client.force_login(manager_user)
    url = reverse("privacy:erasure", args=[victim.person.pk])
    response = client.post(url, {"decision": "erased", "reason": "Asked.", "confirm": "on"})
    assert "A legal hold applies" in response.content.decode()
    summary = response.context["form"].non_field_errors()
    assert len(summary) == 1 and summary[0].startswith("A legal hold applies")
    assert not AnonymisedCase.objects.exists()
    assert not DataSubjectRequest.objects.exists()
    # The refusal, with the hold as the reason, is recorded.
    response = client.post(url, {"decision": "refused",
                                 "reason": "Legal hold: ongoing trial (Art. 17(3)(e))."})
    assert response.status_code == 302
    request = DataSubjectRequest.objects.get(kind="erasure")
    assert request.decision == "refused" and "Legal hold" in request.detail
    assert Person.objects.get(pk=victim.person.pk).first_name == "Zebedee"


# -- Legal holds -----------------------------------------------------------------------------


def test_place_and_lift_a_hold_from_the_case_page(client, manager_user, vcc_user, victim):
    client.force_login(manager_user)
    case_url = reverse("cases:detail", args=[victim.case.pk])
    assert reverse("privacy:case_hold", args=[victim.case.pk]) in client.get(case_url
                                                                            ).content.decode()
    response = client.post(reverse("privacy:case_hold", args=[victim.case.pk]),
                           {"reason": "investigation", "detail": "Crown Court, 3 March"})
    assert response["Location"] == case_url
    hold = LegalHold.objects.get()
    assert (hold.case, hold.placed_by, hold.active) == (victim.case, manager_user, True)
    page = client.get(case_url).content.decode()
    assert "Ongoing investigation or trial" in page and "Crown Court, 3 March" in page

    # A VCC sees the hold but may not lift it, and has no link to place one.
    client.force_login(vcc_user)
    page = client.get(case_url).content.decode()
    assert "Ongoing investigation or trial" in page
    assert reverse("privacy:lift_hold") not in page
    assert reverse("privacy:case_hold", args=[victim.case.pk]) not in page
    response = client.post(reverse("privacy:lift_hold"), {"hold": hold.pk, "reason": "x"})
    assert response.status_code == 403

    client.force_login(manager_user)
    response = client.post(reverse("privacy:lift_hold"),
                           {"hold": hold.pk, "reason": "Trial over"})
    assert response["Location"] == case_url
    hold.refresh_from_db()
    assert not hold.active and hold.lifted_by == manager_user and hold.lift_reason == "Trial over"


def test_a_hold_on_a_person(client, manager_user, victim):
    client.force_login(manager_user)
    response = client.post(reverse("privacy:person_hold", args=[victim.person.pk]),
                           {"reason": "domestic_homicide_review", "detail": "DHR panel"})
    assert response["Location"] == reverse("privacy:subject_access", args=[victim.person.pk])
    hold = LegalHold.objects.get()
    assert hold.person == victim.person and hold.case is None
    page = client.get(reverse("privacy:holds")).content.decode()
    assert "Domestic homicide review" in page


def test_lifting_needs_a_reason(client, manager_user, victim):
    hold = LegalHold.objects.create(case=victim.case, reason="other", detail="x",
                                    placed_by=manager_user)
    client.force_login(manager_user)
    response = client.post(reverse("privacy:lift_hold"), {"hold": hold.pk, "reason": ""})
    assert response.status_code == 302
    hold.refresh_from_db()
    assert hold.active


def test_the_case_page_shows_an_anonymised_case(client, manager_user, victim):
    from privacy.services import anonymise_case

    anonymise_case(case=victim.case, by=manager_user, reason="retention")
    client.force_login(manager_user)
    page = client.get(reverse("cases:detail", args=[victim.case.pk])).content.decode()
    assert "This case was anonymised" in page
    assert reverse("privacy:case_hold", args=[victim.case.pk]) not in page


def test_the_case_page_panel_takes_the_same_queries_with_many_holds(client, manager_user,
                                                                    victim):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager_user)
    url = reverse("cases:detail", args=[victim.case.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    LegalHold.objects.create(case=victim.case, reason="other", detail="a", placed_by=manager_user)
    one = queries()
    for n in range(3):
        LegalHold.objects.create(person=victim.person, reason="other", detail=f"b{n}",
                                 placed_by=manager_user)
    assert queries() == one


# -- The schedule ----------------------------------------------------------------------------


def test_a_manager_changes_a_period(client, manager_user):
    client.force_login(manager_user)
    url = reverse("privacy:schedule")
    page = client.get(url).content.decode()
    assert "Retention schedule" in page and "Limitation Act 1980" in page
    body = {f"years_{rule.key}": rule.years for rule in RetentionRule.objects.all()}
    body["years_letter_only"] = 3
    response = client.post(url, body)
    assert response.status_code == 302
    rule = RetentionRule.objects.get(key="letter_only")
    assert rule.years == 3 and rule.updated_by == manager_user
    assert "Letter only now 3 years" in client.get(url).content.decode()


def test_a_period_must_be_sensible(client, manager_user):
    client.force_login(manager_user)
    body = {f"years_{rule.key}": rule.years for rule in RetentionRule.objects.all()}
    body["years_standard"] = 0
    page = client.post(reverse("privacy:schedule"), body).content.decode()
    assert "A retention period is at least 1 year" in page
    assert RetentionRule.objects.get(key="standard").years == 6


def test_the_schedule_shows_what_is_due_and_held(client, manager_user):
    from tests.factories import CaseFactory

    set_dates(CaseFactory(route="letter_only"), referred=ago(years=3))
    client.force_login(manager_user)
    page = client.get(reverse("privacy:schedule")).content.decode()
    assert 'data-testid="due">1 case ' in page


@pytest.mark.parametrize("name", ["schedule", "holds"])
def test_the_schedule_and_holds_are_for_managers(client, name, vcc_user, police_user):
    url = reverse(f"privacy:{name}")
    assert client.get(url).status_code == 302
    for user in (vcc_user, police_user):
        client.force_login(user)
        assert client.get(url).status_code == 403
