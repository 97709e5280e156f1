"""The person's page (every case of theirs the user may open) and the repeat-victim flag."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from assessments.models import RecoveryPlan
from audit.models import AccessLog
from cases.services import flag_repeat_victim
from core.references import REFERENCE_PATTERN
from tests.factories import CaseFactory, DvnaFactory, IvnaFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db


def person_url(person) -> str:
    return reverse("people:detail", args=[person.pk])


def add_dvna(case, by, number=1):
    return DvnaFactory(
        case=case, number=number, assessed_by=by, risk_of_wellbeing_deteriorating="medium"
    )


def row(page: str, case) -> str:
    match = re.search(
        rf'<tr class="govuk-table__row" data-testid="person-case-{case.pk}">(.*?)</tr>',
        page,
        re.S,
    )
    assert match, f"{case.reference} is not listed"
    return match.group(1)


def test_lists_every_case_of_the_person_with_its_assessments(client, vcc_user):
    person = PersonFactory(first_name="Ann", last_name="Example")
    supported = IvnaFactory(case__person=person, case__status="in_support").case
    add_dvna(supported, vcc_user, 1)
    add_dvna(supported, vcc_user, 2)
    RecoveryPlan.objects.create(case=supported, agreed_by=vcc_user)
    older = IvnaFactory(case__person=person, case__status="closed").case
    older.referred_at = timezone.now() - timedelta(days=400)
    older.closed_at = timezone.now() - timedelta(days=300)
    older.save()
    self_referred = CaseFactory(person=person, crime=None, source="self_referral")
    someone_else = CaseFactory()
    client.force_login(vcc_user)

    response = client.get(person_url(person))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ann Example" in page
    assert someone_else.reference not in page
    # Newest first.
    refs = re.findall(REFERENCE_PATTERN, page.split('data-testid="person-cases"')[1])
    listed = list(dict.fromkeys(refs))
    assert listed == [self_referred.reference, supported.reference, older.reference]

    supported_row = row(page, supported)
    assert "IVNA" in supported_row and "DVNA: 2" in supported_row
    assert "Recovery plan in place" in supported_row
    assert re.search(r"<td[^>]*>Yes</td>", supported_row)  # the recovery plan
    assert "Theft and handling" in supported_row and supported.crime.reference in supported_row

    older_row = row(page, older)
    assert "Closed" in older_row and "No DVNA" in older_row
    assert re.search(r"<td[^>]*>No</td>", older_row)

    self_row = row(page, self_referred)
    assert "Self-referral" in self_row and "No IVNA" in self_row


def test_the_read_is_logged(client, vcc_user):
    case = CaseFactory()
    client.force_login(vcc_user)
    client.get(person_url(case.person))
    log = AccessLog.objects.get(detail="person page")
    assert log.user == vcc_user
    assert log.person_ids == [case.person_id] and log.case_ids == [case.pk]


def test_a_restricted_case_is_hidden_from_another_vcc(client, vcc_user, manager_user):
    person = PersonFactory()
    open_case = CaseFactory(person=person)
    restricted = CaseFactory(person=person, restricted=True, allocated_to=vcc_user)
    other_vcc = user_with_role(Role.VCC, username="vcc2")

    client.force_login(other_vcc)
    page = client.get(person_url(person)).content.decode()
    assert open_case.reference in page and restricted.reference not in page
    assert AccessLog.objects.get(user=other_vcc).case_ids == [open_case.pk]

    for user in (vcc_user, manager_user):
        client.force_login(user)
        page = client.get(person_url(person)).content.decode()
        assert open_case.reference in page and restricted.reference in page


def test_a_person_whose_only_case_is_restricted_does_not_exist_for_another_vcc(
    client, vcc_user
):
    restricted = CaseFactory(restricted=True, allocated_to=vcc_user)
    client.force_login(user_with_role(Role.VCC, username="vcc2"))
    assert client.get(person_url(restricted.person)).status_code == 404
    assert client.get(reverse("people:detail", args=[999999])).status_code == 404
    assert not AccessLog.objects.exists()


def test_only_casework_roles_open_the_page(client, police_user, volunteer_user, opcc_user):
    case = CaseFactory()
    url = person_url(case.person)
    assert client.get(url).status_code == 302  # to sign in
    for user in (police_user, volunteer_user, opcc_user):
        client.force_login(user)
        assert client.get(url).status_code == 403


def _queries(client, person) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(person_url(person))
    assert response.status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_cases(client, vcc_user):
    def person_with(n: int):
        person = PersonFactory()
        for i in range(n):
            case = IvnaFactory(case__person=person).case
            if i % 2:
                add_dvna(case, vcc_user)
                RecoveryPlan.objects.create(case=case, agreed_by=vcc_user)
            if i % 3 == 0:
                CaseFactory(person=person, crime=None, source="self_referral")
        return person

    few, many = person_with(2), person_with(12)
    client.force_login(vcc_user)
    _queries(client, few)  # warm the session and permission caches alike
    assert _queries(client, few) == _queries(client, many)


# --- The case page and the case list -----------------------------------------------------


def test_the_case_page_links_to_the_person_and_says_how_many_earlier_cases(client, vcc_user):
    person = PersonFactory()
    for days, status in ((200, "closed"), (40, "awaiting_contact"), (400, "closed")):
        earlier = CaseFactory(person=person, status=status)
        earlier.referred_at = timezone.now() - timedelta(days=days)
        earlier.save(update_fields=["referred_at"])
    repeat = CaseFactory(person=person, repeat_victim=True)
    first = CaseFactory()
    client.force_login(vcc_user)

    page = client.get(reverse("cases:detail", args=[repeat.pk])).content.decode()
    assert f'href="{person_url(repeat.person)}"' in page
    assert "See everything for this person" in page
    # The open case counts as much as the closed one; the one 400 days before does not.
    assert "Repeat victim: 2 earlier cases in the 12 months before this one" in page

    page = client.get(reverse("cases:detail", args=[first.pk])).content.decode()
    assert "See everything for this person" in page
    assert "Repeat victim" not in page


def test_the_case_list_tags_repeat_victims(client, vcc_user):
    CaseFactory(repeat_victim=True, person=PersonFactory(first_name="Rita"))
    CaseFactory(person=PersonFactory(first_name="Nora"))
    client.force_login(vcc_user)
    page = client.get(reverse("cases:list")).content.decode()
    rita = re.search(r"Rita[^<]*(<strong[^>]*>Repeat</strong>)?", page)
    nora = re.search(r"Nora[^<]*(<strong[^>]*>Repeat</strong>)?", page)
    assert rita.group(1) and not nora.group(1)


# --- flag_repeat_victim ------------------------------------------------------------------


@pytest.mark.parametrize("status", ["awaiting_contact", "letter_only", "high_risk", "closed"])
@pytest.mark.parametrize(("referred_days_ago", "repeat"), [(30, True), (335, True), (395, False)])
def test_a_new_case_is_flagged_when_the_person_had_any_case_in_the_last_12_months(
    referred_days_ago, repeat, status
):
    """Issue 11: every earlier case counts, whatever its status (today: only closed ones)."""
    person = PersonFactory()
    earlier = CaseFactory(person=person, status=status)
    earlier.referred_at = timezone.now() - timedelta(days=referred_days_ago)  # 1, 11, 13 months
    earlier.save(update_fields=["referred_at"])
    new = CaseFactory(person=person)

    assert flag_repeat_victim(case=new) is repeat
    new.refresh_from_db()
    assert new.repeat_victim is repeat


def test_another_persons_case_or_a_later_case_is_not_a_repeat():
    person = PersonFactory()
    CaseFactory(status="closed")  # someone else's
    new = CaseFactory(person=person)
    later = CaseFactory(person=person)
    later.referred_at = new.referred_at + timedelta(days=3)
    later.save(update_fields=["referred_at"])
    assert flag_repeat_victim(case=new) is False
    assert flag_repeat_victim(case=later) is True
