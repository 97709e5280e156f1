"""'Who looked at this victim's record?' on one page, for managers.

Issue: "A manager can answer 'who looked at this victim's record?' in one page": every logged
read that showed the person (who, when, what, from where, break-glass reasons), who may open
their restricted cases, and every change to their records; in a constant number of queries.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audit.models import AccessAction, AccessLog, CaseAccessGrant, GrantKind
from audit.views import READS_PER_PAGE
from tests.factories import CaseFactory, IvnaFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db


def _url(person) -> str:
    return reverse("audit:person_access", args=[person.pk])


def _log(user, *, person, case, action=AccessAction.VIEW, detail="case page", at=None):
    return AccessLog.objects.create(
        user=user, action=action, view_name="cases:detail", case_ids=[case.pk],
        person_ids=[person.pk], ip_address="10.1.2.3", detail=detail, at=at or timezone.now(),
    )


def test_managers_only(client, vcc_user, police_user, manager_user):
    person = IvnaFactory().case.person
    for user in (vcc_user, police_user):
        client.force_login(user)
        assert client.get(_url(person)).status_code == 403
    client.force_login(manager_user)
    assert client.get(_url(person)).status_code == 200
    assert client.get(reverse("audit:person_access", args=[person.pk + 99])).status_code == 404


def test_it_lists_every_read_of_the_person_newest_first(client, manager_user, vcc_user):
    person = PersonFactory(first_name="Ann", last_name="Example")
    case = IvnaFactory(case__person=person).case
    restricted = CaseFactory(person=person, restricted=True)
    stranger = IvnaFactory().case
    snooper = user_with_role(Role.VCC, username="snooper")
    old = _log(vcc_user, person=person, case=case, at=timezone.now() - timedelta(days=3))
    glass = _log(snooper, person=person, case=restricted, action=AccessAction.BREAK_GLASS,
                 detail="grant 7: Victim rang and the co-ordinator is away")
    elsewhere = _log(vcc_user, person=stranger.person, case=stranger)
    CaseAccessGrant.objects.create(
        case=restricted, user=snooper, kind=GrantKind.BREAK_GLASS, granted_by=snooper,
        reason="Victim rang and the co-ordinator is away",
        expires_at=timezone.now() + timedelta(hours=8),
    )

    client.force_login(manager_user)
    body = client.get(_url(person)).content.decode()
    assert f'data-testid="read-{old.pk}"' in body
    assert f'data-testid="read-{glass.pk}"' in body
    assert f'data-testid="read-{elsewhere.pk}"' not in body
    assert body.index(f"read-{glass.pk}") < body.index(f"read-{old.pk}")  # newest first
    assert "Broke the glass" in body
    assert "Victim rang and the co-ordinator is away" in body
    assert "10.1.2.3" in body and str(snooper) in body
    assert case.reference in body and restricted.reference in body
    # Changes to their records: the person, cases, crime and IVNA were created.
    assert "Person" in body and "Ivna" in body and "insert" in body


def test_viewing_the_page_is_logged(client, manager_user):
    person = IvnaFactory().case.person
    client.force_login(manager_user)
    client.get(_url(person))
    row = AccessLog.objects.get(user=manager_user)
    assert row.action == AccessAction.AUDIT
    assert row.person_ids == [person.pk]
    assert row.view_name == "audit:person_access"
    # ...and it is then one of the reads the page lists.
    assert f'data-testid="read-{row.pk}"' in client.get(_url(person)).content.decode()


def test_reads_are_paginated(client, manager_user, vcc_user):
    case = IvnaFactory().case
    for _ in range(READS_PER_PAGE + 5):
        _log(vcc_user, person=case.person, case=case)
    client.force_login(manager_user)
    first = client.get(_url(case.person)).content.decode()
    assert first.count('data-testid="read-') == READS_PER_PAGE
    second = client.get(_url(case.person) + "?page=2").content.decode()
    # Five older rows, and the manager's read of page 1.
    assert second.count('data-testid="read-') == 6


def test_linked_from_the_person_page_and_the_case_audit(client, manager_user, vcc_user):
    case = IvnaFactory().case
    client.force_login(manager_user)
    person_page = client.get(reverse("people:detail", args=[case.person_id])).content.decode()
    assert _url(case.person) in person_page
    assert _url(case.person) in client.get(reverse("cases:audit", args=[case.pk])).content.decode()
    client.force_login(vcc_user)
    person_page = client.get(reverse("people:detail", args=[case.person_id])).content.decode()
    assert _url(case.person) not in person_page


def _person_with(cases: int, reads: int, reader, granted_by):
    person = PersonFactory()
    made = [IvnaFactory(case__person=person).case for _ in range(cases)]
    for case in made:
        case.restricted = True
        case.save()
        CaseAccessGrant.objects.create(case=case, user=reader, kind=GrantKind.NAMED,
                                       reason="Covering for leave", granted_by=granted_by)
        for _ in range(reads):
            _log(reader, person=person, case=case)
    return person


def test_constant_query_count(client, manager_user, vcc_user):
    small = _person_with(1, 1, vcc_user, manager_user)
    large = _person_with(6, 5, vcc_user, manager_user)
    client.force_login(manager_user)
    counts = []
    for person in (small, large):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(person)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
