"""The complaints log (Victims' Code right 12): deadlines in working days, the moves a
manager makes, the overdue list, the counts for the return, the history and the pages."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from complaints import selectors, services
from complaints.models import Complaint
from core.errors import DomainError
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _record(by, *, received_at=None, **kwargs) -> Complaint:
    values = {
        "how": "phone", "from_whom": "other", "complainant_name": "Ada Neighbour",
        "about_right": 4, "summary": "Nobody called me back",
    }
    values.update(kwargs)
    return services.record_complaint(
        by=by, received_at=received_at or timezone.now(), **values
    )


def test_deadlines_count_working_days_over_a_bank_holiday(vcc_user):
    # Friday 22 August 2025; Monday 25 August is the summer bank holiday in England.
    complaint = _record(vcc_user, received_at=datetime(2025, 8, 22, 10, 0, tzinfo=LONDON))
    assert timezone.localtime(complaint.acknowledge_due_at) == datetime(
        2025, 8, 27, 17, 0, tzinfo=LONDON
    )  # Tuesday 26, Wednesday 27
    assert timezone.localtime(complaint.answer_due_at) == datetime(
        2025, 9, 22, 17, 0, tzinfo=LONDON
    )  # the 20th working day after


def test_the_deadlines_come_from_the_settings(vcc_user, settings):
    settings.HUB_COMPLAINT_ACKNOWLEDGE_WORKING_DAYS = 5
    complaint = _record(vcc_user, received_at=datetime(2025, 8, 22, 10, 0, tzinfo=LONDON))
    assert timezone.localtime(complaint.acknowledge_due_at).date() == date(2025, 9, 1)


def test_a_complaint_must_say_what_it_is_about_and_who_made_it(vcc_user):
    with pytest.raises(DomainError) as error:
        _record(vcc_user, about_right=None, about_service="", complainant_name="")
    assert set(error.value.fields) == {"about_right", "complainant_name"}
    assert not Complaint.objects.exists()
    # The victim of a case named here needs no name typed again.
    case = CaseFactory()
    complaint = _record(vcc_user, from_whom="victim", complainant_name="", case=case)
    assert complaint.case == case


def test_a_complaint_cannot_be_received_in_the_future(vcc_user):
    with pytest.raises(DomainError) as error:
        _record(vcc_user, received_at=timezone.now() + timedelta(days=1))
    assert "received_at" in error.value.fields


@pytest.mark.parametrize("who", ["vcc_user", "police_user", "opcc_user"])
def test_only_a_manager_acknowledges_or_answers(who, request, vcc_user):
    complaint = _record(vcc_user)
    user = request.getfixturevalue(who)
    with pytest.raises(DomainError):
        services.acknowledge_complaint(complaint=complaint, by=user)
    with pytest.raises(DomainError):
        services.answer_complaint(complaint=complaint, by=user, outcome="not_upheld")
    complaint.refresh_from_db()
    assert complaint.acknowledged_at is None and complaint.answered_at is None


def test_acknowledge_then_answer_once_each(vcc_user, manager_user):
    complaint = _record(vcc_user)
    services.acknowledge_complaint(complaint=complaint, by=manager_user)
    with pytest.raises(DomainError):
        services.acknowledge_complaint(complaint=complaint, by=manager_user)
    with pytest.raises(DomainError) as error:  # upheld: say what the hub learnt
        services.answer_complaint(complaint=complaint, by=manager_user, outcome="upheld")
    assert "learning" in error.value.fields
    answered = services.answer_complaint(
        complaint=complaint, by=manager_user, outcome="upheld",
        learning="Call-backs now go on My work the same day.",
    )
    assert answered.outcome == "upheld" and answered.handled_by == manager_user
    with pytest.raises(DomainError):
        services.answer_complaint(complaint=complaint, by=manager_user, outcome="not_upheld")


def test_an_answer_before_an_acknowledgement_is_both(vcc_user, manager_user):
    complaint = _record(vcc_user)
    answered = services.answer_complaint(complaint=complaint, by=manager_user,
                                         outcome="withdrawn")
    assert answered.acknowledged_at == answered.answered_at


def test_every_change_is_in_the_history_with_who_made_it(vcc_user, manager_user):
    complaint = _record(vcc_user)
    services.acknowledge_complaint(complaint=complaint, by=manager_user)
    services.answer_complaint(complaint=complaint, by=manager_user, outcome="not_upheld")
    events = apps.get_model("complaints", "ComplaintEvent").objects.filter(
        pgh_obj_id=complaint.pk).order_by("pgh_id")
    assert [e.pgh_label for e in events] == ["insert", "update", "update"]
    assert [int(e.pgh_context.metadata["user"]) for e in events] == [
        vcc_user.pk, manager_user.pk, manager_user.pk
    ]
    assert events[2].outcome == "not_upheld"


def test_overdue_complaints(vcc_user, manager_user):
    long_ago = timezone.now() - timedelta(days=60)
    not_acknowledged = _record(vcc_user, received_at=long_ago)
    acknowledged = _record(vcc_user, received_at=long_ago)
    services.acknowledge_complaint(complaint=acknowledged, by=manager_user)
    answered = _record(vcc_user, received_at=long_ago)
    services.answer_complaint(complaint=answered, by=manager_user, outcome="not_upheld")
    fresh = _record(vcc_user)
    overdue = {c.pk: c.overdue for c in selectors.overdue_complaints()}
    assert overdue == {not_acknowledged.pk: "acknowledgement", acknowledged.pk: "answer"}
    log = list(selectors.complaints_log())
    assert [c.pk for c in log][-1] == answered.pk  # open first
    assert fresh.pk in [c.pk for c in log[:3]]


def test_counts_for_the_return(vcc_user, manager_user):
    from reporting.flow import Period  # the return's period fits (a test may import up)

    received = datetime(2025, 8, 22, 10, 0, tzinfo=LONDON)
    on_time = _record(vcc_user, received_at=received, about_service="contact")
    services.acknowledge_complaint(complaint=on_time, by=manager_user,
                                   acknowledged_at=received + timedelta(hours=2))
    services.answer_complaint(complaint=on_time, by=manager_user, outcome="partly_upheld",
                              learning="Check the safe numbers", answered_at=received
                              + timedelta(days=3))
    late = _record(vcc_user, received_at=received, about_right=12)
    services.answer_complaint(complaint=late, by=manager_user, outcome="not_upheld",
                              answered_at=received + timedelta(days=60))
    _record(vcc_user, received_at=received + timedelta(days=200))  # another period

    counts = selectors.complaints_counts(Period(date(2025, 7, 1), date(2025, 9, 30)))
    assert (counts.received, counts.acknowledged, counts.acknowledged_on_time) == (2, 2, 1)
    assert (counts.answered, counts.answered_on_time, counts.open) == (2, 1, 0)
    assert counts.outcomes["partly_upheld"] == 1 and counts.outcomes["not_upheld"] == 1
    assert counts.outcomes["upheld"] == 0
    assert counts.by_right[4] == 1 and counts.by_right[12] == 1 and len(counts.by_right) == 12
    assert counts.by_service == {"contact": 1}


def test_a_vcc_records_a_complaint_from_the_case_page(client, vcc_user):
    case = CaseFactory()
    client.force_login(vcc_user)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    link = f"{reverse('complaints:record')}?case={case.pk}"
    assert link in page.content.decode()
    today = timezone.localdate()
    response = client.post(link, {
        "received_on_0": today.day, "received_on_1": today.month, "received_on_2": today.year,
        "how": "in_person", "from_whom": "victim", "about_right": "6",
        "summary": "Not told about the investigation",
    })
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:detail", args=[case.pk])
    complaint = Complaint.objects.get()
    assert complaint.case == case and complaint.recorded_by == vcc_user
    # ... and cannot read the log or answer it.
    assert client.get(reverse("complaints:list")).status_code == 403
    assert client.post(reverse("complaints:answer", args=[complaint.pk]),
                       {"outcome": "not_upheld"}).status_code == 403


def test_the_record_form_shows_what_is_missing(client, vcc_user):
    client.force_login(vcc_user)
    response = client.post(reverse("complaints:record"), {"how": "phone"})
    assert response.status_code == 400
    assert not Complaint.objects.exists()
    body = response.content.decode()
    assert "govuk-error-summary" in body and "Enter what the complaint is about" in body


def test_the_managers_list_and_team_page_mark_the_overdue(
    client, vcc_user, manager_user, django_assert_max_num_queries
):
    long_ago = timezone.now() - timedelta(days=60)
    for _ in range(3):
        _record(vcc_user, received_at=long_ago, case=CaseFactory())
    _record(vcc_user)
    client.force_login(manager_user)
    client.get(reverse("complaints:list"))  # warm the session and permission caches
    # Session, user, permissions, the log (case and handler joined), the access-log row and
    # the messages: no query per complaint.
    with django_assert_max_num_queries(13):
        page = client.get(reverse("complaints:list")).content.decode()
    assert page.count('data-testid="complaint-overdue"') == 3
    assert page.count('data-testid="complaint-row"') == 4
    team = client.get(reverse("scheduling:team")).content.decode()
    assert team.count("acknowledgement due") == 3


def test_how_to_complain_is_public_and_linked_from_the_public_footer(client, settings):
    settings.HUB_COMPLAINT_ANSWER_WORKING_DAYS = 15
    page = client.get(reverse("how_to_complain"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "15 working days" in body and settings.HUB_PHONE in body
    assert "Ombudsman" in body and "Victims' Commissioner" in body
    for public in (reverse("landing"), reverse("self_referral")):
        assert reverse("how_to_complain") in client.get(public).content.decode()
