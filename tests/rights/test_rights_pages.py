"""The case page's rights panel, the VCC's forms on it, and "My work"'s overdue rights."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from rights.models import Entitlement, JusticeEvent
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def overdue_case(vcc, **kwargs):
    """A case allocated to `vcc` whose first contact (Right 4) was due yesterday."""
    return CaseFactory(allocated_to=vcc, status="awaiting_contact",
                       contact_due_at=timezone.now() - timedelta(days=1), **kwargs)


def test_the_panel_shows_each_right_with_who_delivers_it_and_the_overdue_one(client, vcc_user):
    case = overdue_case(vcc_user)
    client.force_login(vcc_user)

    page = html.unescape(client.get(reverse("cases:detail", args=[case.pk])).content.decode())

    panel = page.split('data-testid="rights-panel"')[1].split("</section>")[0]
    assert "1 overdue" in panel
    row = panel.split('data-testid="right-4"')[1].split("</tr>")[0]
    assert "Overdue" in row and "The Victims' Hub" in row
    assert "The police officer in the case" in panel.split('data-testid="right-2"')[1]
    assert reverse("rights:record", args=[case.pk, 4]) in row
    assert 'data-testid="right-6"' not in panel  # no decision yet: Right 6 waits


def test_a_vcc_records_a_right_as_met(client, vcc_user):
    case = CaseFactory(allocated_to=vcc_user)
    client.force_login(vcc_user)
    url = reverse("rights:record", args=[case.pk, 5])
    form = client.get(url).content.decode()
    assert "checked" not in form.split("<form")[1]  # nothing pre-selected

    response = client.post(url, {"status": "met", "on": timezone.localdate().isoformat(),
                                 "how": "Gave the CICA leaflet", "reason": ""})

    assert response.status_code == 302
    row = Entitlement.objects.get(case=case, right=5)
    assert (row.status, row.how, row.recorded_by, row.source) == (
        "met", "Gave the CICA leaflet", vcc_user, "staff")
    assert AccessLog.objects.filter(case_ids=[case.pk], detail__contains="record a").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"on": "2020-01-01"}, "status", "Select what happened"),
        ({"status": "met", "on": "2020-01-01", "how": ""}, "how", "Say how the right was met"),
        ({"status": "missed", "on": "2020-01-01"}, "reason", "Say why"),
        ({"status": "met", "how": "Told her", "on": "2999-01-01"}, "on", "in the future"),
        ({"status": "met", "how": "Told her", "on": "31/02"}, "on", "Enter a real date"),
    ],
    ids=["no_status", "met_without_how", "missed_without_reason", "future", "not_a_date"],
)
def test_bad_evidence_is_refused_on_its_field(client, vcc_user, data, field, message):
    case = CaseFactory(allocated_to=vcc_user)
    client.force_login(vcc_user)

    response = client.post(reverse("rights:record", args=[case.pk, 5]), data)

    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert Entitlement.objects.get(case=case, right=5).status == "due"


def test_a_right_that_does_not_apply_yet_says_which_step_is_needed(client, vcc_user):
    case = CaseFactory(allocated_to=vcc_user)
    client.force_login(vcc_user)
    response = client.post(reverse("rights:record", args=[case.pk, 9]), {
        "status": "met", "on": timezone.localdate().isoformat(), "how": "Phoned her"})
    assert response.status_code == 200
    assert "does not apply" in str(response.context["form"].non_field_errors())


def test_a_vcc_adds_a_step_of_the_justice_process(client, vcc_user):
    case = CaseFactory(allocated_to=vcc_user)
    client.force_login(vcc_user)
    url = reverse("rights:add_justice_event", args=[case.pk])

    bad = client.post(url, {"stage": "charged", "occurred_on": "2999-01-01"})
    assert "in the future" in str(bad.context["form"].errors["occurred_on"])
    assert "Select the step" in str(client.post(url, {}).context["form"].errors["stage"])
    response = client.post(url, {"stage": "charged", "occurred_on": "2025-03-20",
                                 "detail": "Two charges"})

    assert response.status_code == 302
    assert list(JusticeEvent.objects.filter(case=case).values_list("stage", "recorded_by")) == [
        ("charged", vcc_user.pk)]
    assert Entitlement.objects.filter(case=case, right__in=[6, 7]).count() == 2


def test_my_work_lists_my_overdue_rights_in_queries_that_do_not_grow(
    client, vcc_user, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mine = overdue_case(vcc_user)
    not_overdue = CaseFactory(allocated_to=vcc_user,
                              contact_due_at=timezone.now() + timedelta(days=1))
    not_mine = overdue_case(None)
    client.force_login(vcc_user)
    client.get(reverse("scheduling:my_work"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        page = html.unescape(client.get(reverse("scheduling:my_work")).content.decode())
    for _ in range(10):
        overdue_case(vcc_user)

    with django_assert_max_num_queries(len(few)):
        more = html.unescape(client.get(reverse("scheduling:my_work")).content.decode())

    rows = page.split('data-testid="rights-overdue"')[1].split("</table>")[0]
    assert "Victims' Code right 4 overdue" in rows and mine.reference in rows
    assert not_overdue.reference not in rows and not_mine.reference not in rows
    assert more.count("Victims' Code right 4 overdue") == 11
    log = AccessLog.objects.filter(detail="my work").latest("at")
    assert mine.pk in log.case_ids
