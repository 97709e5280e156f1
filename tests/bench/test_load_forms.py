"""The load test's people (bench/locustfile.py) fill in the real forms: each task's answers,
read off the page as bench/forms.py reads it, move the hub on (a 302), and the links they
follow are on the pages they read. Otherwise `make bench-load` would measure error pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.models import Dvna, PlanAction
from bench import bodies, forms
from bench.load import calling_hours
from cases.models import Case
from contact.models import ContactAttempt, ContactNote
from contact.services import start_contact
from tests.assessments.builders import accepted_case, supported_case
from tests.factories import CaseFactory, IvnaFactory, PersonFactory

pytestmark = pytest.mark.django_db


def send(client, path: str, answers: dict):
    page = client.get(path)
    assert page.status_code == 200
    action, data = forms.fill(page.content.decode(), answers)
    response = client.post(action or path, data)
    assert response.status_code == 302, (forms.errors(response.content.decode()), data)
    return response


def awaiting_contact(vcc) -> Case:
    case = CaseFactory(status="awaiting_contact", allocated_to=vcc,
                       person=PersonFactory(phone="+447700900123"))
    IvnaFactory(case=case)
    start_contact(case=case)
    return case


def test_a_vcc_finds_the_call_on_my_work_and_records_it(client, vcc_user):
    case = awaiting_contact(vcc_user)
    client.force_login(vcc_user)
    work = client.get("/work/").content.decode()
    assert str(case.pk) in forms.CASE_LINK.findall(work)
    assert forms.next_step(client.get(f"/cases/{case.pk}/").content.decode(), str(case.pk)) \
        == "call"
    send(client, f"/cases/{case.pk}/calls/new/", forms.call("no_answer", calling_hours()))
    assert ContactAttempt.objects.get(case=case).outcome == "no_answer"


@pytest.mark.parametrize("hour", [0, 6, 8, 9, 12, 17, 19, 20, 21, 23])
def test_the_call_is_timed_inside_calling_hours_and_never_in_the_future(hour):
    """At any hour of a run (CI runs at night too), the call's time is one the hub's own
    calling hours allow: a failed call outside them is refused."""
    from datetime import datetime, time

    from contact.calling_times import band_of

    now = datetime(2026, 12, 3, hour, 5, tzinfo=forms.HUB_TIME_ZONE)
    made_on, made_at = forms.calling_time(calling_hours(), now)
    moment = datetime.combine(made_on, time.fromisoformat(made_at), tzinfo=forms.HUB_TIME_ZONE)
    assert band_of(moment) is not None
    assert moment <= now
    assert now - moment < timedelta(hours=14)  # this evening or the last, not days ago


def test_a_vcc_adds_a_note(client, vcc_user):
    case = awaiting_contact(vcc_user)
    client.force_login(vcc_user)
    send(client, f"/cases/{case.pk}/notes/new/", forms.NOTE)
    assert ContactNote.objects.filter(case=case, text=forms.NOTE["text"]).exists()


def test_a_vcc_finds_the_dvna_due_and_records_it(client, vcc_user):
    case = accepted_case(case__allocated_to=vcc_user)
    client.force_login(vcc_user)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert forms.next_step(page, str(case.pk)) == "dvna"
    send(client, f"/cases/{case.pk}/dvna/new/", forms.DVNA)
    assert Dvna.objects.filter(case=case).count() == 1


def test_a_vcc_adds_an_action_to_the_plan(client, vcc_user):
    case = supported_case(vcc_user, allocated_to=vcc_user)
    client.force_login(vcc_user)
    mine = client.get("/cases/mine/").content.decode()
    assert str(case.pk) in forms.CASE_LINK.findall(mine)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert forms.next_step(page, str(case.pk)) == "plan"
    before = PlanAction.objects.filter(plan__case=case).count()
    send(client, f"/cases/{case.pk}/plan/actions/new/", forms.plan_action(timezone.localdate()))
    assert PlanAction.objects.filter(plan__case=case).count() == before + 1


def test_a_page_with_no_form_for_the_answers_sends_nothing_not_the_header_search(
    client, vcc_user
):
    # The load run of 3 December posted the header's search as a plan action twice: the
    # page had no form asking the action's questions. A person sends nothing then.
    client.force_login(vcc_user)
    page = client.get("/cases/mine/").content.decode()
    assert 'data-testid="header-search"' in page
    with pytest.raises(LookupError):
        forms.fill(page, forms.plan_action(timezone.localdate()))
    action, _ = forms.fill(page, {"q": "Smith"})
    assert action == "/cases/search/"


def test_an_officer_types_in_the_crime_systems_ivna(client, police_user):
    body = bodies.ivna("T", 7)
    client.force_login(police_user)
    send(client, "/ivnas/new/", forms.ivna_form(body))
    case = Case.objects.get(crime__reference=body["crime"]["reference"])
    assert case.person.police_person_id == body["victim"]["police_person_id"]


def test_the_authenticator_code_is_the_one_the_hub_checks(vcc_user):
    device = TOTPDevice.objects.create(user=vcc_user, name="load", confirmed=True)
    assert device.verify_token(forms.totp(device.key))
    assert not device.verify_token(forms.totp(device.key, at=0))
