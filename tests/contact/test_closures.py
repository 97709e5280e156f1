"""Every case ends (issue 12): a case the hub did not support closes by itself after a set
number of working days in its status (contact.closures), whatever route put it there; a
hub manager may close a case awaiting contact; the case page says when the automatic
closure is due; a letter-only victim who comes back and accepts counts as accepted."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseSource, Route
from cases.models import Case
from cases.services import open_case, transition_case
from cases.workflow import TRANSITIONS, CaseStatus
from contact.closures import (
    AUTO_CLOSE_STATUSES,
    automatic_closure_at,
    close_after_working_days,
    close_if_still_there,
)
from contact.lifecycle import MANAGERS_ONLY, can_close_unsupported, close_unsupported_case
from contact.models import AttemptOutcome, ContactOutcome
from contact.services import (
    move_to_no_contact,
    record_contact_outcome,
    record_victim_got_in_touch,
)
from core.errors import DomainError
from core.working_days import add_working_days
from reporting.flow import LEAVES, Period, compute_flow
from scheduling.models import ItemKind, ItemState, ScheduledItem
from scheduling.services import run_item, schedule
from tests.factories import CaseFactory, CrimeFactory, PersonFactory, ivna_payload

pytestmark = pytest.mark.django_db
S = CaseStatus

# Every move of the state machine into a status that closes by itself, derived from the
# table: a move added later is walked too.
ENTRIES = sorted(
    (frm, to) for frm, moves in TRANSITIONS.items() for to in moves if to in AUTO_CLOSE_STATUSES
)


def closures(case: Case, state: str = ItemState.DUE) -> list[ScheduledItem]:
    return list(ScheduledItem.objects.filter(case=case, kind=ItemKind.CLOSE_CASE, state=state))


def due_date(status: str):
    return add_working_days(timezone.localdate(), close_after_working_days(status))


def opened(to: str, route: str = Route.HUB_CONTACT) -> Case:
    """A new case triaged straight into `to` (cases.services.open_case, as intake does)."""
    return open_case(to=to, by=None, received="Referred by the police.", reason="",
                     person=PersonFactory(), crime=CrimeFactory(),
                     source=CaseSource.POLICE_IVNA, route=route)


def enter(status: str, **kwargs) -> Case:
    """A case put in `status` by a move (as the services make it), from another status;
    letter only is entered at intake only."""
    if status == S.LETTER_ONLY:
        return opened(S.LETTER_ONLY, route=Route.LETTER_ONLY)
    frm = next(f for f, t in ENTRIES if t == status and f != S.RECEIVED)
    case = CaseFactory(status=frm, **kwargs)
    transition_case(case=case, to=status, by=None)
    return case


def test_the_statuses_that_close_by_themselves():
    assert {S.LETTER_ONLY, S.NO_CONTACT, S.DECLINED, S.SIGNPOSTED, S.SUPPORTED_ELSEWHERE,
            S.HIGH_RISK} == AUTO_CLOSE_STATUSES
    assert close_after_working_days(S.LETTER_ONLY) == 20
    assert close_after_working_days(S.NO_CONTACT) == 20
    assert close_after_working_days(S.DECLINED) == 10


@pytest.mark.parametrize(("frm", "to"), ENTRIES)
def test_every_move_into_a_status_that_closes_schedules_its_closure(frm, to):
    if frm == S.RECEIVED:
        case = opened(to)
    else:
        case = CaseFactory(status=frm)
        transition_case(case=case, to=to, by=None)
    [item] = closures(case)
    assert timezone.localtime(item.due_at).date() == due_date(to)
    assert item.payload == {"status": to, "transitions": case.transitions.count()}


def test_a_letter_only_ivna_schedules_the_closure_after_twenty_working_days(police_api):
    body = ivna_payload(crime__markers=[], assessment__priority_categories=[],
                        assessment__needs_support=False, assessment__dash_risk="standard")
    response = police_api.post("/api/v1/ivnas/", body, format="json")
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["case_id"])
    assert case.status == S.LETTER_ONLY
    [item] = closures(case)
    assert timezone.localtime(item.due_at).date() == due_date(S.LETTER_ONLY)


def test_no_contact_counts_from_the_move_with_the_follow_up_letter():
    case = CaseFactory(status=S.AWAITING_CONTACT)
    move_to_no_contact(case=case, by=None, reason="Three attempts failed.")
    [item] = closures(case)
    assert timezone.localtime(item.due_at).date() == due_date(S.NO_CONTACT)


@pytest.mark.parametrize("status", sorted(AUTO_CLOSE_STATUSES))
def test_the_row_closes_a_case_still_there_and_starts_the_retention_clock(status):
    case = enter(status)
    call = schedule(kind=ItemKind.NEXT_ATTEMPT, case=case, due_at=timezone.now())
    [item] = closures(case)

    assert run_item(item.pk)

    case.refresh_from_db()
    assert case.status == S.CLOSED
    assert case.closed_at is not None  # the retention clock starts
    last = case.transitions.order_by("at", "pk").last()
    assert last.by is None
    days = close_after_working_days(status)
    assert last.reason.startswith("Closed automatically:")
    assert f"within {days} working days" in last.reason
    call.refresh_from_db()
    assert call.state == ItemState.CANCELLED  # the contact work it leaves behind


def test_the_reason_shows_on_the_case_page(client, vcc_user):
    case = enter(S.LETTER_ONLY)
    run_item(closures(case)[0].pk)
    client.force_login(vcc_user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Closed automatically: no response to the letter within 20 working days." in page


def test_running_the_row_twice_closes_once():
    case = enter(S.DECLINED)
    [item] = closures(case)
    assert run_item(item.pk)
    assert not run_item(item.pk)
    item.refresh_from_db()
    assert not close_if_still_there(item)  # even handed the row again
    assert case.transitions.filter(to_status=S.CLOSED).count() == 1


def test_a_case_that_moved_on_is_not_closed_and_its_row_is_cancelled(vcc_user):
    case = enter(S.LETTER_ONLY)
    [item] = closures(case)
    record_victim_got_in_touch(case=case, by=vcc_user)
    item.refresh_from_db()
    assert item.state == ItemState.CANCELLED
    assert not close_if_still_there(item)  # a row left behind finds it stale
    case.refresh_from_db()
    assert case.status == S.AWAITING_CONTACT


def test_an_old_row_does_not_close_a_case_that_left_and_came_back(vcc_user):
    case = enter(S.DECLINED)
    [first] = closures(case)
    record_victim_got_in_touch(case=case, by=vcc_user)
    case.attempts.create(made_at=timezone.now(), made_by=vcc_user, number_used="01234",
                         band="morning", outcome=AttemptOutcome.CONTACTED)
    record_contact_outcome(case=case, outcome=ContactOutcome.DECLINED, by=vcc_user,
                           detail="Still does not want support")
    [second] = closures(case)  # the re-entry has a row of its own
    assert second.pk != first.pk
    first.refresh_from_db()
    assert not close_if_still_there(first)  # same status, but it moved since
    case.refresh_from_db()
    assert case.status == S.DECLINED
    assert run_item(second.pk)
    case.refresh_from_db()
    assert case.status == S.CLOSED


def test_a_closed_case_re_opened_is_not_closed_by_an_old_row(vcc_user):
    case = enter(S.LETTER_ONLY)
    [item] = closures(case)
    run_item(item.pk)
    record_victim_got_in_touch(case=case, by=vcc_user)  # closed -> awaiting contact
    assert not close_if_still_there(item)
    case.refresh_from_db()
    assert case.status == S.AWAITING_CONTACT
    assert not closures(case)


def test_a_person_closing_the_case_cancels_the_automatic_closure(vcc_user):
    case = enter(S.SIGNPOSTED)
    [item] = closures(case)
    close_unsupported_case(case=case, by=vcc_user, reason="Signposted to Citizens Advice")
    item.refresh_from_db()
    assert item.state == ItemState.CANCELLED


# -- A manager closes a case awaiting contact ------------------------------------------------


def test_a_manager_closes_a_case_awaiting_contact_with_the_reason(manager_user):
    case = CaseFactory(status=S.AWAITING_CONTACT)
    call = schedule(kind=ItemKind.FIRST_CONTACT, case=case, due_at=timezone.now())
    assert can_close_unsupported(case, manager_user)
    close_unsupported_case(case=case, by=manager_user,
                           reason="Neither phone nor address; police confirm no contact")
    case.refresh_from_db()
    assert case.status == S.CLOSED and case.closed_at is not None
    assert "police confirm no contact" in case.transitions.order_by("at", "pk").last().reason
    call.refresh_from_db()
    assert call.state == ItemState.CANCELLED


def test_a_vcc_may_not_close_a_case_awaiting_contact(vcc_user):
    case = CaseFactory(status=S.AWAITING_CONTACT)
    assert not can_close_unsupported(case, vcc_user)
    with pytest.raises(DomainError) as refused:
        close_unsupported_case(case=case, by=vcc_user, reason="Cannot reach")
    assert refused.value.message == MANAGERS_ONLY
    case.refresh_from_db()
    assert case.status == S.AWAITING_CONTACT


def test_the_close_is_offered_to_managers_only_on_the_case_page(client, vcc_user, manager_user):
    case = CaseFactory(status=S.AWAITING_CONTACT)
    close = reverse("contact:close_case", args=[case.pk])
    detail = reverse("cases:detail", args=[case.pk])
    client.force_login(vcc_user)
    assert close not in client.get(detail).content.decode()
    refused = client.post(close, {"reason": "Cannot reach"})
    assert refused.status_code == 200 and "Only a hub manager" in refused.content.decode()
    client.force_login(manager_user)
    assert close in client.get(detail).content.decode()
    response = client.post(close, {"reason": "Cannot reach"}, follow=True)
    assert "The case is closed." in response.content.decode()


def test_the_team_page_links_the_close_for_victims_the_hub_cannot_reach(client, manager_user):
    person = PersonFactory(phone="", safe_to_call=False, safe_to_write=False)
    case = CaseFactory(person=person, status=S.AWAITING_CONTACT)
    client.force_login(manager_user)
    page = client.get(reverse("scheduling:team")).content.decode()
    assert reverse("contact:close_case", args=[case.pk]) in page


# -- The case page says when --------------------------------------------------------------


def test_the_case_page_shows_when_the_case_closes_by_itself(client, vcc_user):
    case = enter(S.LETTER_ONLY)
    when = automatic_closure_at(case)
    assert when is not None and timezone.localtime(when).date() == due_date(S.LETTER_ONLY)
    client.force_login(vcc_user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    local = timezone.localtime(when)
    # The year only when it is not this year (core hub_date).
    year = "" if local.year == timezone.localdate().year else f" {local.year}"
    expected = f"{local:%A} {local.day} {local:%B}{year}"
    assert f"Closes automatically on {expected} unless the victim gets in touch" in page
    record_victim_got_in_touch(case=case, by=vcc_user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Closes automatically" not in page


# -- The flow: a letter-only victim who comes back and decides -------------------------------


def leaf(case: Case) -> str:
    leaves = [name for name, q in LEAVES.items() if Case.objects.filter(q, pk=case.pk).exists()]
    assert len(leaves) == 1, leaves
    return leaves[0]


@pytest.mark.parametrize(("outcome", "detail"), [
    (ContactOutcome.ACCEPTED, ""),
    (ContactOutcome.DECLINED, "Does not want support now"),
    (ContactOutcome.SIGNPOSTED, "Citizens Advice"),
])
def test_a_letter_only_victim_who_comes_back_is_counted_by_what_they_decide(
    outcome, detail, vcc_user
):
    case = CaseFactory(route=Route.LETTER_ONLY, status=S.LETTER_ONLY)
    other = CaseFactory(route=Route.LETTER_ONLY, status=S.LETTER_ONLY)
    period = Period(timezone.localdate(), timezone.localdate())
    record_victim_got_in_touch(case=case, by=vcc_user)
    case.refresh_from_db()
    assert leaf(case) == "letter_only"  # came back, not yet decided
    flow = compute_flow(period)
    assert (flow.letter_only, flow.responded_to_letter) == (2, 1)

    case.attempts.create(made_at=timezone.now(), made_by=vcc_user, number_used="01234",
                         band="morning", outcome=AttemptOutcome.CONTACTED)
    record_contact_outcome(case=case, outcome=outcome, by=vcc_user, detail=detail)

    case.refresh_from_db()
    assert leaf(case) == outcome
    assert leaf(other) == "letter_only"
    flow = compute_flow(period)
    assert flow.leaves_add_up()
    assert (flow.referred, flow.letter_only, flow.vulnerable, flow.contacted) == (2, 1, 1, 1)
    assert getattr(flow, outcome) == 1
    assert flow.supported_rate == (1.0 if outcome == ContactOutcome.ACCEPTED else 0.0)


# -- Cases opened before the rule ------------------------------------------------------------


def test_cases_waiting_before_the_rule_get_their_closure_once():
    """The data migration schedules the rows of cases already in such a status."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "contact.migrations.0006_schedule_closures_of_open_cases")
    case = enter(S.LETTER_ONLY)
    untouched = CaseFactory(status=S.ACCEPTED)
    ScheduledItem.objects.filter(case=case).delete()  # as before the rule

    migration.schedule_closures(apps, None)
    migration.schedule_closures(apps, None)

    [item] = closures(case)
    assert timezone.localtime(item.due_at).date() == due_date(S.LETTER_ONLY)
    assert item.payload == {"status": S.LETTER_ONLY, "transitions": 2}
    assert not closures(untouched)
    assert run_item(item.pk)
    case.refresh_from_db()
    assert case.status == S.CLOSED
