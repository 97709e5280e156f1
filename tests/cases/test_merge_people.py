"""One person per victim (issue 11): possible matches on the case page, a merge a VCC or
manager confirms, audited, and undone within the period."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from cases.models import Case, CaseTransition, Person, PersonMerge
from cases.people import candidates_for, merge_people, undo_merge
from core.errors import DomainError
from intake.matching import VictimDetails, match_person
from tests.factories import CaseFactory, PersonFactory, ivna_form_data, user_with_role

pytestmark = pytest.mark.django_db

DOB = date(1979, 4, 12)


def person(**fields) -> Person:
    fields.setdefault("police_person_id", None)
    fields.setdefault("first_name", "Aoife")
    fields.setdefault("last_name", "Brennan")
    fields.setdefault("date_of_birth", DOB)
    return PersonFactory(**fields)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def case_page(client: Client, case: Case) -> str:
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def matches_section(page: str) -> str:
    start = page.index("Possible matches")
    return page[start:page.index("Other cases for", start)]


def merge_url(case: Case, other: Person) -> str:
    return reverse("cases:merge_person", args=[case.pk, other.pk])


def submit_ivna(client: Client, **overrides) -> Case:
    before = set(Case.objects.values_list("pk", flat=True))
    response = client.post(reverse("intake:ivna_new"), ivna_form_data(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Case.objects.exclude(pk__in=before).get()


# --- Possible matches ---------------------------------------------------------------------


def test_the_same_victim_submitted_twice_by_web_form_is_offered_as_a_possible_match(
    police_user, vcc_user
):
    officer = signed_in(police_user)
    first = submit_ivna(officer, police_person_id=None, reference="CF/10001/25",
                        first_name="Brian", last_name="Sample", postcode="CB1 2AB")
    second = submit_ivna(officer, police_person_id=None, reference="CF/10002/25",
                         first_name="  brian ", last_name="SAMPLE", postcode="cb12ab")
    assert first.person_id != second.person_id  # intake never matches on a typed name

    section = matches_section(case_page(signed_in(vcc_user), second))
    assert "Brian Sample" in section
    assert first.reference in section  # the latest case of the other record
    assert "3 February 1951" in section
    assert merge_url(second, first.person) in section


def test_the_same_name_with_another_date_of_birth_and_postcode_is_not_a_match(vcc_user):
    mine = CaseFactory(person=person(postcode="PE1 1AA"))
    stranger = CaseFactory(person=person(date_of_birth=date(1990, 1, 1), postcode="CB2 1TN"))
    same_postcode = person(date_of_birth=None, postcode="pe11aa")

    assert list(candidates_for(mine.person)) == [same_postcode]
    section = matches_section(case_page(signed_in(vcc_user), mine))
    assert stranger.reference not in section
    assert reverse("cases:merge_person", args=[mine.pk, stranger.person.pk]) not in section


def test_a_match_whose_cases_the_user_may_not_open_is_not_shown(vcc_user, manager_user):
    mine = CaseFactory(person=person(address_line1="1 Open Road"))
    hidden = CaseFactory(person=person(address_line1="9 Secret Lane", postcode="PE9 9ZZ"),
                         restricted=True)

    assert "PE9 9ZZ" not in matches_section(case_page(signed_in(vcc_user), mine))
    assert hidden.reference in matches_section(case_page(signed_in(manager_user), mine))
    response = signed_in(vcc_user).get(merge_url(mine, hidden.person))
    assert response.status_code == 404
    assert "9 Secret Lane" not in response.content.decode()


def test_a_different_police_person_id_is_never_a_match_and_refuses_a_merge(vcc_user):
    one = person(police_person_id="N-1")
    other = person(police_person_id="N-2")
    CaseFactory(person=one), CaseFactory(person=other)

    assert list(candidates_for(one)) == []
    with pytest.raises(DomainError, match="two force records are two people"):
        merge_people(keep=one, merge=other, by=vcc_user, reason="Looks like the same woman")
    assert Person.objects.get(pk=other.pk).merged_into is None


def test_the_case_page_takes_the_same_queries_however_many_matches(vcc_user):
    client = signed_in(vcc_user)

    def queries(n: int) -> int:
        mine = CaseFactory(person=person(first_name=f"Name{n}"))
        for _ in range(n):
            CaseFactory.create_batch(2, person=person(first_name=f"Name{n}"))
        with CaptureQueriesContext(connection) as captured:
            page = case_page(client, mine)
        assert page.count("Compare and merge") == n
        return len(captured)

    assert queries(1) == queries(4)


# --- Merging ------------------------------------------------------------------------------


def test_a_vcc_merges_the_two_records_and_the_person_page_shows_both_cases(vcc_user):
    older = CaseFactory(person=person(phone="", postcode="PE1 1AA"))
    newer = CaseFactory(person=person(phone="07700900999", safe_to_write=False))
    client = signed_in(vcc_user)

    page = client.get(merge_url(newer, older.person)).content.decode()
    assert "07700900999" in page and "PE1 1AA" in page  # side by side
    response = client.post(merge_url(newer, older.person), {
        "take": ["phone"], "reason": "Same victim: confirmed on the phone", "confirm": "on",
    })
    assert response.status_code == 302

    kept = Person.objects.get(pk=older.person_id)
    assert set(kept.cases.values_list("pk", flat=True)) == {older.pk, newer.pk}
    assert kept.phone == "07700900999"
    assert kept.safe_to_write is False  # a "no" on either record wins
    merged = Person.objects.get(pk=newer.person_id)
    assert merged.merged_into == kept  # kept aside, not deleted
    assert list(candidates_for(kept)) == []
    record = PersonMerge.objects.get()
    assert (record.by, record.moved_case_ids) == (vcc_user, [newer.pk])
    assert record.merged_before["phone"] == "07700900999" and record.kept_before["phone"] == ""
    assert CaseTransition.objects.filter(
        case__in=[older, newer], reason__contains="Person records merged").count() == 2

    person_page = client.get(reverse("people:detail", args=[kept.pk])).content.decode()
    assert older.reference in person_page and newer.reference in person_page
    assert client.get(reverse("people:detail", args=[merged.pk])).status_code == 404


def test_a_merge_needs_a_reason_and_a_confirmation(vcc_user):
    older, newer = CaseFactory(person=person()), CaseFactory(person=person())
    response = signed_in(vcc_user).post(merge_url(newer, older.person), {"reason": ""})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert Person.objects.get(pk=newer.person_id).merged_into is None


def test_a_later_ivna_for_the_merged_records_police_id_reaches_the_kept_person(vcc_user):
    older = CaseFactory(person=person())
    newer = CaseFactory(person=person(police_person_id="N-55"))
    merge_people(keep=older.person, merge=newer.person, by=vcc_user, reason="Same victim")

    found, new = match_person(victim=VictimDetails(
        first_name="Aoife", last_name="Brennan", police_person_id="N-55"))
    assert (found.pk, new) == (older.person_id, False)


# --- Restricted records -------------------------------------------------------------------


def test_only_a_manager_merges_a_record_with_a_restricted_case_and_all_become_restricted(
    vcc_user, manager_user
):
    secret = CaseFactory(person=person(), restricted=True, allocated_to=vcc_user)
    open_case = CaseFactory(person=person())

    with pytest.raises(DomainError, match="Only a hub manager"):
        merge_people(keep=secret.person, merge=open_case.person, by=vcc_user, reason="Same")
    response = signed_in(vcc_user).get(merge_url(open_case, secret.person))
    assert response.status_code in (403, 404)

    record = merge_people(keep=secret.person, merge=open_case.person, by=manager_user,
                          reason="Same victim")
    assert Case.objects.get(pk=open_case.pk).restricted is True
    other_vcc = user_with_role(Role.VCC, username="another-vcc")
    page = signed_in(other_vcc).get(reverse("cases:detail", args=[open_case.pk]))
    assert "restricted-notice" in page.content.decode()  # no longer open to every VCC

    undo_merge(merge=record, by=manager_user, reason="Not the same person after all")
    assert Case.objects.get(pk=open_case.pk).restricted is False
    assert Case.objects.get(pk=open_case.pk).person_id == open_case.person_id


# --- Undoing ------------------------------------------------------------------------------


def test_the_vcc_who_merged_undoes_it_within_the_period(vcc_user):
    older = CaseFactory(person=person(phone=""))
    newer = CaseFactory(person=person(phone="07700900999"))
    record = merge_people(keep=older.person, merge=newer.person, by=vcc_user,
                          reason="Same victim", take=["phone"])
    client = signed_in(vcc_user)
    assert reverse("cases:undo_merge", args=[older.pk, record.pk]) in case_page(client, older)

    response = client.post(reverse("cases:undo_merge", args=[older.pk, record.pk]),
                           {"reason": "The victim says the other case is not hers"})
    assert response.status_code == 302
    assert Case.objects.get(pk=newer.pk).person_id == newer.person_id
    assert Person.objects.get(pk=newer.person_id).merged_into is None
    assert Person.objects.get(pk=older.person_id).phone == ""
    assert PersonMerge.objects.get().undone_by == vcc_user
    assert newer.person in candidates_for(older.person)  # offered again
    assert CaseTransition.objects.filter(case=newer, reason__contains="undone").exists()


def test_an_undo_after_the_period_is_refused_with_a_clear_message(
    vcc_user, manager_user, settings
):
    settings.PERSON_MERGE_UNDO_DAYS = 30
    older, newer = CaseFactory(person=person()), CaseFactory(person=person())
    record = merge_people(keep=older.person, merge=newer.person, by=vcc_user, reason="Same")
    PersonMerge.objects.filter(pk=record.pk).update(at=timezone.now() - timedelta(days=31))
    record.refresh_from_db()

    with pytest.raises(DomainError, match="can no longer be undone"):
        undo_merge(merge=record, by=manager_user, reason="Too late")
    url = reverse("cases:undo_merge", args=[older.pk, record.pk])
    page = signed_in(manager_user).get(url).content.decode()
    assert "can no longer be undone" in page
    response = signed_in(manager_user).post(url, {"reason": "Too late"})
    assert "can no longer be undone" in response.content.decode()
    assert Case.objects.get(pk=newer.pk).person_id == older.person_id


def test_another_vcc_may_not_undo_someone_elses_merge(vcc_user):
    older, newer = CaseFactory(person=person()), CaseFactory(person=person())
    record = merge_people(keep=older.person, merge=newer.person, by=vcc_user, reason="Same")
    other_vcc = user_with_role(Role.VCC, username="another-vcc")

    with pytest.raises(DomainError, match="Only a hub manager"):
        undo_merge(merge=record, by=other_vcc, reason="No")
    url = reverse("cases:undo_merge", args=[older.pk, record.pk])
    assert signed_in(other_vcc).post(url, {"reason": "No"}).status_code == 403
