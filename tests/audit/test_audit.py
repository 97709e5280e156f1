"""Every change of a person, crime, IVNA or case is attributable; so is every read."""

from __future__ import annotations

import pghistory
import pytest
from django.db import IntegrityError, InternalError, transaction
from django.urls import reverse
from pghistory.models import Events

from audit.models import AccessLog
from cases.models import Case, Person
from tests.factories import CaseFactory, IvnaFactory, ivna_payload

pytestmark = pytest.mark.django_db


def events_for(obj):
    return list(Events.objects.tracks(obj).order_by("pgh_created_at"))


def test_api_intake_records_who_created_each_record(police_api):
    response = police_api.post("/api/v1/ivnas/", ivna_payload(), format="json")
    case = Case.objects.get(pk=response.json()["case_id"])
    service_user = case.ivna.recorded_by
    assert service_user.is_api_client
    for obj in (case, case.person, case.crime, case.ivna):
        inserts = [e for e in events_for(obj) if e.pgh_label == "insert"]
        assert len(inserts) == 1, obj
        assert int(inserts[0].pgh_context["user"]) == service_user.pk


def test_web_changes_record_the_user_and_what_changed(client, police_user):
    from tests.factories import ivna_form_data

    client.force_login(police_user)
    client.post(reverse("intake:ivna_new"), ivna_form_data())
    person = Person.objects.get()
    # The same person reported again, now not safe to phone: intake applies a "no" at once
    # (a new phone number would only be proposed: intake.amendments), and it is recorded.
    client.post(
        reverse("intake:ivna_new"), ivna_form_data(reference="CF/2/25", safe_to_call="no")
    )
    updates = [e for e in events_for(person) if e.pgh_label == "update"]
    assert any(e.pgh_diff.get("safe_to_call") == [True, False] for e in updates)
    assert all(int(e.pgh_context["user"]) == police_user.pk for e in updates)


def test_bulk_updates_are_captured_too(vcc_user):
    cases = CaseFactory.create_batch(3)
    with pghistory.context(user=vcc_user.pk):
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(restricted=True)
    for case in cases:
        update = [e for e in events_for(case) if e.pgh_label == "update"][-1]
        assert update.pgh_diff["restricted"] == [False, True]
        assert int(update.pgh_context["user"]) == vcc_user.pk


def test_one_statement_records_one_event_a_changed_row_and_none_for_the_rest(vcc_user):
    """History triggers fire once a statement (settings.PGHISTORY_LEVEL, issue 17): a
    many-row insert still records an insert event for each row, and a many-row update an
    event for each row it changed and none for a row it left as it was."""
    from django.db import connection

    cases = CaseFactory.create_batch(3)
    Case.objects.filter(pk=cases[0].pk).update(restricted=True)
    with pghistory.context(user=vcc_user.pk):
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(restricted=True)
        made = Person.objects.bulk_create(
            [Person(first_name=f"Row{n}", last_name="Statement") for n in range(4)]
        )
    updates = {c.pk: [e for e in events_for(c) if e.pgh_label == "update"] for c in cases}
    assert [len(updates[c.pk]) for c in cases] == [1, 1, 1]  # the first: its earlier update
    assert "user" not in (updates[cases[0].pk][0].pgh_context or {})
    for case in cases[1:]:
        assert int(updates[case.pk][0].pgh_context["user"]) == vcc_user.pk
    for person in made:
        [insert] = [e for e in events_for(person) if e.pgh_label == "insert"]
        assert int(insert.pgh_context["user"]) == vcc_user.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE (tgtype & 1) = 0),"
            " count(*) FILTER (WHERE (tgtype & 1) = 1) FROM pg_trigger"
            " WHERE tgname ~ '^pgtrigger_(insert_insert|update_update)_'"
        )
        statement_level, row_level = cursor.fetchone()
    # Every history trigger once a statement (tgtype's bit 0 is ROW).
    assert statement_level > 40 and row_level == 0


def test_manager_sees_changes_and_reads_vcc_may_not(client, manager_user, vcc_user):
    ivna = IvnaFactory()
    client.force_login(vcc_user)
    client.get(reverse("cases:detail", args=[ivna.case.pk]))
    assert client.get(reverse("cases:audit", args=[ivna.case.pk])).status_code == 403

    client.force_login(manager_user)
    page = client.get(reverse("cases:audit", args=[ivna.case.pk])).content.decode()
    assert "Who looked at this case" in page
    assert str(vcc_user) in page  # the VCC's read is listed
    assert "Created" in page  # the case, person, crime and IVNA creations
    assert AccessLog.objects.filter(
        user=manager_user, action="audit", case_ids__contains=[ivna.case.pk]
    ).exists()


@pytest.mark.parametrize("statement", ["update", "delete"])
def test_the_access_log_is_append_only(client, vcc_user, statement):
    case = CaseFactory()
    client.force_login(vcc_user)
    client.get(reverse("cases:detail", args=[case.pk]))
    rows = AccessLog.objects.filter(case_ids__contains=[case.pk])
    with pytest.raises((InternalError, IntegrityError)), transaction.atomic():
        if statement == "update":
            rows.update(detail="tampered")
        else:
            rows.delete()
    assert rows.get().detail == "case page"


def test_a_failed_page_leaves_no_read_logged(client, vcc_user, monkeypatch):
    """The read log is written in the request's own transaction."""
    case = CaseFactory()
    client.force_login(vcc_user)

    def boom(*args, **kwargs):
        raise RuntimeError("template failure")

    monkeypatch.setattr("casework.views.other_cases_of", boom)
    client.raise_request_exception = False
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 500
    assert not AccessLog.objects.filter(case_ids__contains=[case.pk]).exists()
