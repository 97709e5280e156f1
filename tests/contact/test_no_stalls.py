"""Nothing can stall (issue 12; docs/invariant.md): each step that waits on a person is a
row on someone's list, the manager's decision list holds every victim the hub is to contact
with no call or invitation pending, and the daily check lists any case with no next step on
the team page (it should list none)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.dvna_services import record_dvna
from assessments.support_services import agree_plan, close_case
from cases.workflow import CaseStatus
from casework.work_selectors import work_due
from contact.invariant import awaiting_a_manager, record_stall_check, stalled
from contact.lifecycle import escalate_to_high_risk
from contact.services import record_contact_attempt, record_contact_outcome, start_contact
from scheduling.models import ItemKind, ItemState, ScheduledItem, StallCheck
from scheduling.services import schedule
from tests.assessments.builders import action, answers
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db
S = CaseStatus


def awaiting(vcc, **person) -> object:
    person = {"phone": "07700900123", "address_line1": "1 High St", "postcode": "PE13 1AA",
              **person}
    case = CaseFactory(person=PersonFactory(**person), status=S.AWAITING_CONTACT,
                       allocated_to=vcc)
    start_contact(case=case)
    return case


def reached(case, vcc):
    return record_contact_attempt(case=case, made_at=timezone.now() - timedelta(minutes=5),
                                  number_used="07700900123", outcome="contacted", by=vcc)


def due(case, kind) -> list[ScheduledItem]:
    return list(ScheduledItem.objects.filter(case=case, kind=kind, state=ItemState.DUE))


# -- Each wait on a person is a row on a list ----------------------------------------------


def test_a_call_that_reaches_the_victim_puts_their_decision_on_the_vccs_list(vcc_user):
    case = awaiting(vcc_user)
    reached(case, vcc_user)
    [decision] = due(case, ItemKind.RECORD_DECISION)
    assert decision in list(work_due(vcc_user))
    assert not stalled().filter(pk=case.pk).exists()
    assert not awaiting_a_manager(CaseFactory._meta.model.objects.filter(pk=case.pk)).exists()
    record_contact_outcome(case=case, outcome="declined", detail="Has family support",
                           by=vcc_user)
    decision.refresh_from_db()
    assert (decision.state, decision.done_by) == (ItemState.DONE, vcc_user)


def test_accepting_support_puts_the_dvna_on_the_list_until_the_plan_is_agreed(vcc_user):
    case = awaiting(vcc_user)
    reached(case, vcc_user)
    record_contact_outcome(case=case, outcome="accepted", by=vcc_user)
    [dvna] = due(case, ItemKind.DVNA)
    assert dvna in list(work_due(vcc_user))
    assert dvna.get_kind_display() == "Needs assessment (DVNA) and recovery plan"
    record_dvna(case=case, answers=answers(), by=vcc_user)
    assert due(case, ItemKind.DVNA)  # the assessment alone is not the plan
    agree_plan(case=case, actions=[action(vcc_user, areas=("health", "finance"))],
               next_review_on=timezone.localdate() + timedelta(days=14), by=vcc_user)
    dvna.refresh_from_db()
    assert dvna.state == ItemState.DONE
    assert due(case, ItemKind.PLAN_REVIEW)  # the next step: the first review


def test_support_closed_before_a_plan_or_escalated_takes_the_dvna_off_the_list(vcc_user):
    closing, escalated = awaiting(vcc_user), awaiting(vcc_user)
    for case in (closing, escalated):
        reached(case, vcc_user)
        record_contact_outcome(case=case, outcome="accepted", by=vcc_user)
    record_dvna(case=closing, answers=answers(), by=vcc_user)
    close_case(case=closing, reason="victim_asked_to_stop",
               outcomes={"health": "not_known", "finance": "not_known"}, by=vcc_user)
    escalate_to_high_risk(case=escalated, by=vcc_user, reason="High risk from the offender")
    for case in (closing, escalated):
        assert ScheduledItem.objects.get(case=case, kind=ItemKind.DVNA).state == (
            ItemState.CANCELLED
        )


# -- The manager's decision list -----------------------------------------------------------


def test_a_case_whose_calling_rules_leave_no_attempt_goes_to_a_manager(client, manager_user,
                                                                       vcc_user):
    unreachable = awaiting(vcc_user, safe_to_call=False, safe_to_write=False)
    no_slot = awaiting(vcc_user)
    ScheduledItem.objects.filter(case=no_slot).update(state=ItemState.CANCELLED)
    called = awaiting(vcc_user)
    assert set(awaiting_a_manager(CaseFactory._meta.model.objects.all())) == {
        unreachable, no_slot}
    client.force_login(manager_user)
    page = client.get(reverse("scheduling:team")).content.decode()
    listed = page.split('data-testid="unreachable"')[1].split("</ul>")[0]
    assert reverse("cases:detail", args=[unreachable.pk]) in listed
    assert "It is not safe or not possible to phone them, or to write to them." in listed
    assert reverse("cases:detail", args=[no_slot.pk]) in listed
    assert "The calling rules leave no further attempt." in listed
    assert reverse("cases:detail", args=[called.pk]) not in listed


# -- The invariant and the daily check ------------------------------------------------------


@pytest.mark.parametrize("status", [S.DECLINED, S.SIGNPOSTED, S.LETTER_ONLY, S.HIGH_RISK,
                                    S.IN_SUPPORT, S.RECEIVED])
def test_an_open_case_with_nothing_due_breaks_the_invariant(status):
    case = CaseFactory(status=status)
    assert list(stalled()) == [case]
    schedule(kind=ItemKind.PLAN_REVIEW, case=case, due_at=timezone.now() + timedelta(days=30))
    assert list(stalled()) == []  # a dated next step, even far ahead, is a next step


def test_a_message_waiting_to_go_is_not_a_next_step():
    case = CaseFactory(status=S.ACCEPTED)
    schedule(kind=ItemKind.SEND_LETTER, case=case, due_at=timezone.now(), target_id=1)
    schedule(kind=ItemKind.REFERRAL_EMAIL, case=case, due_at=timezone.now(), target_id=1)
    assert list(stalled()) == [case]  # the letter goes; nobody is doing the DVNA


def test_closed_and_awaiting_cases_never_count_as_stalled(vcc_user):
    CaseFactory(status=S.CLOSED, closed_at=timezone.now())
    CaseFactory(status=S.TRANSFERRED_OUT, closed_at=timezone.now())
    awaiting(vcc_user, safe_to_call=False, safe_to_write=False)  # on the manager's list
    assert list(stalled()) == []


def test_the_daily_check_lists_stalled_cases_on_the_team_page_without_names(
    client, manager_user
):
    client.force_login(manager_user)
    page = client.get(reverse("scheduling:team")).content.decode()
    assert 'data-testid="stalled-not-run"' in page
    person = PersonFactory(first_name="Zelda", last_name="Unlisted")
    lost = CaseFactory(person=person, status=S.DECLINED)
    CaseFactory(status=S.CLOSED, closed_at=timezone.now())
    check = record_stall_check()
    assert check.stalled_case_ids == [lost.pk]
    assert check.open_cases == 1
    page = client.get(reverse("scheduling:team")).content.decode()
    listed = page.split('data-testid="stalled"')[1].split("</ul>")[0]
    assert lost.reference in listed
    assert "Zelda" not in listed and "Unlisted" not in listed
    assert "1 case had nothing due on anyone's list" in page
    schedule(kind=ItemKind.FOLLOW_UP, case=lost, due_at=timezone.now())
    record_stall_check()
    page = client.get(reverse("scheduling:team")).content.decode()
    assert 'data-testid="stalled-none"' in page
    assert 'data-testid="stalled"' not in page


def test_the_check_runs_daily_in_production_and_in_the_embedded_run(monkeypatch):
    from hub.celery import app
    from scheduling.management.commands import run_scheduler

    # The loop closes stale connections between runs; here that would be the test's own.
    monkeypatch.setattr(run_scheduler, "close_old_connections", lambda: None)

    app.loader.import_default_modules()
    [entry] = [e for e in app.conf.beat_schedule.values()
               if e["task"] == "contact.tasks.check_for_stalled_cases"]
    assert entry["task"] in app.tasks
    CaseFactory(status=S.SIGNPOSTED)
    call_command("run_scheduler", "--once")
    assert StallCheck.objects.get().stalled_case_ids != []


def test_a_victim_made_safe_to_call_leaves_the_managers_list_with_a_first_call(vcc_user):
    from cases.models import Case
    from contact.safe_contact import change_safe_contact

    case = awaiting(vcc_user, safe_to_call=False, safe_to_write=False)
    assert awaiting_a_manager(Case.objects.filter(pk=case.pk)).exists()
    change_safe_contact(case=case, by=vcc_user, answers={"safe_to_call": True},
                        reason="Victim rang: safe to call on this number now")
    assert not awaiting_a_manager(Case.objects.filter(pk=case.pk)).exists()
    [first] = due(case, ItemKind.FIRST_CONTACT)
    assert first in list(work_due(vcc_user))
    # A change that still leaves the hub unable to phone or write keeps the case listed.
    other = awaiting(vcc_user, safe_to_call=False, safe_to_write=False)
    change_safe_contact(case=other, by=vcc_user, answers={"may_leave_message": True},
                        reason="Messages are fine")
    assert awaiting_a_manager(Case.objects.filter(pk=other.pk)).exists()
