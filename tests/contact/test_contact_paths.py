"""Contact that fits real victims (issue 12): a victim reached is recorded at any time; a
victim the hub cannot phone is written to, or goes to a manager; the call screen shows what
matters before dialling; each call's confirmation says what the hub did next."""

from __future__ import annotations

from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from contact.models import Letter
from contact.services import (
    can_record_outcome,
    contact_path,
    invite_response_due,
    record_contact_attempt,
    start_contact,
)
from core.errors import DomainError
from core.working_days import add_working_days
from scheduling.models import ItemState, ScheduledItem
from scheduling.services import run_item
from tests.factories import CaseFactory, CrimeFactory, IvnaFactory, PersonFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
MON_10 = datetime(2025, 3, 3, 10, 0, tzinfo=LONDON)
TUE_14 = datetime(2025, 3, 4, 14, 0, tzinfo=LONDON)
WED_18 = datetime(2025, 3, 5, 18, 15, tzinfo=LONDON)

WRITABLE = {"address_line1": "1 High St", "postcode": "PE13 1AA", "email": ""}
UNWRITABLE = {"address_line1": "", "postcode": "", "email": ""}


def awaiting(**person):
    return CaseFactory(person=PersonFactory(**person), status="awaiting_contact")


def call(case, when, by, outcome="no_answer"):
    return record_contact_attempt(
        case=case, made_at=when, number_used="07700900123", outcome=outcome, by=by
    )


# -- 1. A victim reached is recorded as contacted at any time ------------------------------


def test_a_victim_who_rings_back_the_same_day_is_recorded_as_contacted(vcc_user):
    case = awaiting(**WRITABLE)
    call(case, MON_10, vcc_user)
    # Rings back half an hour later: same day, same part of the day.
    call(case, datetime(2025, 3, 3, 10, 30, tzinfo=LONDON), vcc_user, outcome="contacted")
    assert can_record_outcome(case)
    # A second failed call that day is still refused: pacing binds failed calls.
    with pytest.raises(DomainError, match="different days"):
        call(case, datetime(2025, 3, 3, 15, 0, tzinfo=LONDON), vcc_user)


def test_a_victim_reached_outside_calling_hours_or_safe_times_is_recorded(vcc_user):
    case = awaiting(safe_contact_bands=["morning"], **WRITABLE)
    call(case, datetime(2025, 3, 3, 21, 30, tzinfo=LONDON), vcc_user, outcome="contacted")
    assert case.attempts.get().outcome == "contacted"


def test_a_victim_invited_by_letter_who_rings_is_recorded_as_contacted(vcc_user):
    case = awaiting(safe_to_call=False, **WRITABLE)
    call(case, MON_10, vcc_user, outcome="contacted")
    assert can_record_outcome(case)


# -- 2. A path for every victim --------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "path"),
    [
        ({"phone": "07700900123", **WRITABLE}, "call"),
        ({"phone": "07700900123", "safe_contact_bands": ["morning", "afternoon", "evening"],
          **WRITABLE}, "call"),
        ({"safe_to_call": False, **WRITABLE}, "invite_by_letter"),
        ({"phone": "", **WRITABLE}, "invite_by_letter"),
        ({"safe_contact_bands": ["morning", "evening"], **WRITABLE}, "invite_by_letter"),
        ({"phone": "", "address_line1": "", "postcode": "", "email": "v@example.com"},
         "invite_by_letter"),
        ({"safe_to_call": False, "safe_to_write": False, **WRITABLE}, "manager_decision"),
        ({"phone": "", **UNWRITABLE}, "manager_decision"),
        ({"safe_contact_bands": ["evening"], "safe_to_write": False, **WRITABLE},
         "manager_decision"),
    ],
)
def test_the_contact_path_fits_the_victim(person, path):
    assert contact_path(awaiting(**person)) == path


def test_a_victim_who_can_be_phoned_gets_the_first_call_and_no_invitation():
    case = awaiting(**WRITABLE)
    start_contact(case=case)
    assert case.scheduled.filter(kind="first_contact", state="due").exists()
    assert not case.letters.filter(kind="invite_to_call").exists()
    assert not case.scheduled.filter(kind="invite_expired").exists()


def test_a_victim_not_safe_to_call_is_invited_by_letter_then_no_contact(vcc_user):
    case = awaiting(safe_to_call=False, **WRITABLE)
    start_contact(case=case)
    assert not case.scheduled.filter(kind="first_contact").exists()
    invite = Letter.objects.get(case=case, kind="invite_to_call")
    assert case.scheduled.filter(kind="send_letter", target_id=invite.pk, state="due").exists()
    expiry = ScheduledItem.objects.get(case=case, kind="invite_expired", state=ItemState.DUE)
    due = add_working_days(expiry.created_at.astimezone(LONDON).date(),
                           settings.HUB_INVITE_RESPONSE_WORKING_DAYS)
    assert expiry.due_at.astimezone(LONDON).date() == due
    assert expiry.due_at == invite_response_due(expiry.created_at)

    assert run_item(expiry.pk)
    case.refresh_from_db()
    assert (case.status, case.contact_outcome) == ("no_contact", "no_contact")
    assert Letter.objects.filter(case=case, kind="no_contact").exists()
    assert "did not get in touch after the letter inviting them" in case.transitions.last().reason


def test_an_invited_victim_who_rang_is_not_moved_to_no_contact(vcc_user):
    case = awaiting(phone="", **WRITABLE)
    start_contact(case=case)
    call(case, MON_10, vcc_user, outcome="contacted")
    run_item(ScheduledItem.objects.get(case=case, kind="invite_expired").pk)
    case.refresh_from_db()
    assert case.status == "awaiting_contact"
    assert not Letter.objects.filter(case=case, kind="no_contact").exists()


def test_a_victim_who_can_be_neither_phoned_nor_written_to_gets_no_call_and_no_letter():
    case = awaiting(safe_contact_bands=["evening"], safe_to_write=False, **WRITABLE)
    start_contact(case=case)
    assert contact_path(case) == "manager_decision"
    assert not case.letters.exists()
    assert not case.scheduled.filter(kind__in=["first_contact", "invite_expired"]).exists()


def test_the_case_page_says_the_path(client, vcc_user):
    invited = awaiting(safe_to_call=False, **WRITABLE)
    start_contact(case=invited)
    client.force_login(vcc_user)
    page = client.get(reverse("cases:detail", args=[invited.pk])).content.decode()
    assert "a letter invites them to call" in page
    assert "the case moves to no contact with the follow-up letter" in page
    stuck = awaiting(safe_to_call=False, safe_to_write=False, **WRITABLE)
    page = client.get(reverse("cases:detail", args=[stuck.pk])).content.decode()
    assert "The hub can neither phone nor write to this victim" in page


def test_the_team_page_lists_the_victims_a_manager_decides(client, manager_user):
    stuck = awaiting(safe_to_call=False, safe_to_write=False, **WRITABLE)
    no_means = awaiting(phone="", **UNWRITABLE)
    invited = awaiting(safe_to_call=False, **WRITABLE)
    called = awaiting(**WRITABLE)
    for case in (stuck, no_means, invited, called):
        start_contact(case=case)  # the invitation and its wait, or the first call, or nothing
    client.force_login(manager_user)
    response = client.get(reverse("scheduling:team"))
    page = response.content.decode()
    assert "Victims the hub cannot reach: a manager decides" in page
    for case in (stuck, no_means):
        assert reverse("cases:detail", args=[case.pk]) in page
    for case in (invited, called):
        assert reverse("cases:detail", args=[case.pk]) not in page


# -- 3. The call screen ---------------------------------------------------------------------


def test_the_call_screen_shows_what_matters_before_dialling(client, vcc_user):
    person = PersonFactory(
        interpreter_needed=True, first_language="pl", safe_contact_bands=["evening"],
        unsafe_numbers=["07700 900999"], may_leave_message=False, **WRITABLE,
    )
    case = CaseFactory(
        person=person, status="awaiting_contact",
        crime=CrimeFactory(markers=["domestic_abuse"]),
    )
    IvnaFactory(case=case, notes="Partner checks her phone; call only after 6pm.")
    client.force_login(vcc_user)
    page = client.get(reverse("contact:record_attempt", args=[case.pk])).content.decode()
    assert "Interpreter needed" in page and "Polish" in page
    assert "Only in the evening" in page
    assert "Never call 07700 900999" in page
    assert "No: do not leave a message" in page
    assert "Domestic abuse" in page
    assert "Partner checks her phone; call only after 6pm." in page


# -- 4. The confirmation says what the hub did next --------------------------------------


def test_each_call_says_what_the_hub_did_next(vcc_user):
    case = awaiting(**WRITABLE)
    first = call(case, MON_10, vcc_user)
    assert first.attempt.outcome == "no_answer"
    assert first.summary.startswith("First attempt recorded. Next attempt: ")
    call(case, TUE_14, vcc_user)
    third = call(case, WED_18, vcc_user)
    assert third.summary.startswith("Third attempt recorded. The case is now 'No contact")
    assert third.summary.endswith("; a follow-up letter has been queued.")


def test_the_confirmation_is_shown_after_a_call(client, vcc_user):
    case = awaiting(**WRITABLE)
    client.force_login(vcc_user)
    response = client.post(
        reverse("contact:record_attempt", args=[case.pk]),
        {"made_on": "2025-03-03", "made_at_time": "10:00", "number_used": "07700900123",
         "outcome": "no_answer"},
        follow=True,
    )
    assert "First attempt recorded. Next attempt: " in response.content.decode()


def test_the_outcome_and_a_victim_getting_in_touch_say_what_comes_next(client, vcc_user):
    case = awaiting(**WRITABLE)
    call(case, MON_10, vcc_user, outcome="contacted")
    client.force_login(vcc_user)
    response = client.post(
        reverse("contact:record_outcome", args=[case.pk]),
        {"outcome": "declined", "detail": "Has family support"},
        follow=True,
    )
    assert "Outcome recorded. The case is now 'Declined support'." in unescape(
        response.content.decode()
    )
    response = client.post(reverse("contact:got_in_touch", args=[case.pk]), follow=True)
    page = unescape(response.content.decode())
    assert "The case is 'Awaiting contact' again; a call back is due by " in page
