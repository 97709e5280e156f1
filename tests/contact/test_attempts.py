"""Three attempts at differing times and days; then the follow-up letter by itself."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from contact.models import ContactAttempt, ContactNote, ContactOutcome, Letter
from contact.notes import add_note
from contact.selectors import contact_log
from contact.services import (
    attempt_problems,
    band_of,
    propose_next_attempt,
    record_contact_attempt,
    record_contact_outcome,
    record_victim_got_in_touch,
)
from core.errors import NON_FIELD, DomainError
from scheduling.models import ItemState, ScheduledItem
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")

# Monday 3 March 2025 to Friday 7 March 2025: ordinary working days.
MON_10 = datetime(2025, 3, 3, 10, 0, tzinfo=LONDON)
MON_14 = datetime(2025, 3, 3, 14, 0, tzinfo=LONDON)
TUE_10 = datetime(2025, 3, 4, 10, 30, tzinfo=LONDON)
TUE_14 = datetime(2025, 3, 4, 14, 0, tzinfo=LONDON)
WED_18 = datetime(2025, 3, 5, 18, 15, tzinfo=LONDON)


@pytest.fixture
def case():
    person = PersonFactory(
        phone="07700900123", address_line1="1 High St", postcode="PE13 1AA", email=""
    )
    return CaseFactory(person=person, route="hub_contact", status="awaiting_contact")


def attempt(case, when, by, outcome="no_answer", **kwargs):
    return record_contact_attempt(
        case=case, made_at=when, number_used="07700900123", outcome=outcome, by=by, **kwargs
    )


@pytest.mark.parametrize(
    ("hour", "band"), [(8, None), (9, "morning"), (11, "morning"), (12, "afternoon"),
                       (16, "afternoon"), (17, "evening"), (19, "evening"), (20, None)]
)
def test_parts_of_the_day(hour, band):
    assert band_of(datetime(2025, 3, 3, hour, 30, tzinfo=LONDON)) == band


def test_three_failed_attempts_on_different_days_and_bands_send_the_follow_up_letter(
    case, vcc_user
):
    attempt(case, MON_10, vcc_user)
    attempt(case, TUE_14, vcc_user, outcome="not_safe_to_talk")
    case.refresh_from_db()
    assert case.status == "awaiting_contact"
    attempt(case, WED_18, vcc_user, outcome="wrong_number")
    case.refresh_from_db()
    assert case.status == "no_contact"
    assert case.contact_outcome == ContactOutcome.NO_CONTACT
    letter = Letter.objects.get(case=case, kind="no_contact")
    assert letter.status == "queued"
    item = ScheduledItem.objects.get(target_id=letter.pk, kind="follow_up_letter")
    assert item.state == ItemState.DUE
    assert case.transitions.last().reason.startswith("Three attempts")


def test_a_second_attempt_on_the_same_day_is_refused_with_the_reason(case, vcc_user):
    attempt(case, MON_10, vcc_user)
    with pytest.raises(DomainError) as refused:
        attempt(case, MON_14, vcc_user)
    assert any("on different days" in p for p in refused.value.fields[NON_FIELD])
    assert ContactAttempt.objects.filter(case=case).count() == 1


def test_a_second_attempt_in_the_same_part_of_the_day_is_refused(case, vcc_user):
    attempt(case, MON_10, vcc_user)
    with pytest.raises(DomainError) as refused:
        attempt(case, TUE_10, vcc_user)
    assert refused.value.fields[NON_FIELD] == [
        "An attempt was already made in the morning (Monday 3 March): "
        "try another part of the day."
    ]


def test_never_outside_the_victims_safe_times_or_on_an_unsafe_number(vcc_user):
    person = PersonFactory(safe_contact_bands=["evening"], unsafe_numbers=["07700 900999"])
    case = CaseFactory(person=person, status="awaiting_contact")
    problems = attempt_problems(case=case, made_at=MON_10, number="07700900999",
                                outcome="no_answer")
    assert "The victim said it is only safe to call in the evening." in problems
    assert "The victim said this number must never be called." in problems


def test_not_safe_to_call_and_no_messages(vcc_user):
    case = CaseFactory(person=PersonFactory(safe_to_call=False, may_leave_message=False),
                       status="awaiting_contact")
    with pytest.raises(DomainError) as refused:
        attempt(case, MON_10, vcc_user, outcome="voicemail")
    assert "The victim said it is not safe to phone them." in refused.value.fields[NON_FIELD]
    assert "The victim said no message may be left." in refused.value.fields[NON_FIELD]


def test_outside_calling_hours_is_refused(case, vcc_user):
    with pytest.raises(DomainError, match="outside calling hours"):
        attempt(case, datetime(2025, 3, 3, 21, 30, tzinfo=LONDON), vcc_user)


def test_a_manager_may_override_with_a_recorded_reason(case, vcc_user, manager_user):
    attempt(case, MON_10, vcc_user)
    with pytest.raises(DomainError, match="Only a hub manager"):
        attempt(case, MON_14, vcc_user, override_reason="Victim asked us to ring back")
    override = attempt(case, MON_14, manager_user, override_reason="Victim asked us to ring back")
    assert override.attempt.override_reason == "Victim asked us to ring back"
    log = contact_log(case, vcc_user)
    assert any("Rules overridden: Victim asked us to ring back" in e.text for e in log)


def test_calls_are_not_made_on_cases_that_are_not_awaiting_contact(vcc_user):
    letter_only = CaseFactory(route="letter_only", status="letter_only")
    with pytest.raises(DomainError, match="not for hub contact"):
        attempt(letter_only, MON_10, vcc_user)


def test_the_next_slot_is_a_working_day_and_band_not_yet_tried(case, vcc_user):
    # No attempts yet, on Monday at 08:00: this morning.
    slot = propose_next_attempt(case, after=datetime(2025, 3, 3, 8, 0, tzinfo=LONDON))
    assert (slot.day.isoformat(), slot.band) == ("2025-03-03", "morning")
    attempt(case, MON_10, vcc_user)
    slot = propose_next_attempt(case, after=MON_10)
    assert (slot.day.isoformat(), slot.band) == ("2025-03-04", "afternoon")
    # A failed attempt schedules the next one as person-work for "My work".
    item = ScheduledItem.objects.get(case=case, kind="next_attempt", state="due")
    assert item.due_at.astimezone(LONDON).date().isoformat() == "2025-03-04"


def test_the_next_slot_skips_weekends_and_bank_holidays(vcc_user):
    case = CaseFactory(status="awaiting_contact")
    # Thursday 17 April 2025, evening tried; Good Friday 18 Apr and Easter Monday 21 Apr
    # are bank holidays, so the next slot is Tuesday 22 April.
    attempt(case, datetime(2025, 4, 17, 18, 0, tzinfo=LONDON), vcc_user)
    slot = propose_next_attempt(case, after=datetime(2025, 4, 17, 18, 5, tzinfo=LONDON))
    assert (slot.day.isoformat(), slot.band) == ("2025-04-22", "morning")


def test_the_next_slot_respects_safe_times(vcc_user):
    case = CaseFactory(person=PersonFactory(safe_contact_bands=["evening"]),
                       status="awaiting_contact")
    slot = propose_next_attempt(case, after=MON_10)
    assert (slot.day.isoformat(), slot.band) == ("2025-03-03", "evening")
    attempt(case, datetime(2025, 3, 3, 18, 0, tzinfo=LONDON), vcc_user)
    assert propose_next_attempt(case, after=TUE_10) is None  # the only safe band is used


def test_contacted_then_accepted_moves_on_to_the_dvna(case, vcc_user):
    attempt(case, MON_10, vcc_user, outcome="contacted")
    record_contact_outcome(case=case, outcome=ContactOutcome.ACCEPTED, by=vcc_user)
    case.refresh_from_db()
    assert (case.status, case.contact_outcome) == ("accepted", ContactOutcome.ACCEPTED)
    assert not ScheduledItem.objects.filter(
        case=case, kind__in=["first_contact", "next_attempt"], state="due"
    ).exists()


@pytest.mark.parametrize(
    ("outcome", "detail", "status", "reason"),
    [
        (ContactOutcome.DECLINED, "Does not want support now", "declined",
         "Reason: Does not want support"),
        (ContactOutcome.SIGNPOSTED, "Citizens Advice", "signposted",
         "signposted to Citizens Advice"),
    ],
)
def test_declined_and_signposted_record_why(case, vcc_user, outcome, detail, status, reason):
    attempt(case, MON_10, vcc_user, outcome="contacted")
    record_contact_outcome(case=case, outcome=outcome, by=vcc_user, detail=detail)
    case.refresh_from_db()
    assert case.status == status
    assert reason in case.transitions.last().reason


def test_declined_needs_a_reason_and_an_outcome_needs_contact(case, vcc_user):
    with pytest.raises(DomainError, match="contacted first"):
        record_contact_outcome(case=case, outcome="accepted", by=vcc_user)
    attempt(case, MON_10, vcc_user, outcome="contacted")
    with pytest.raises(DomainError, match="Give the reason") as refused:
        record_contact_outcome(case=case, outcome="declined", by=vcc_user, detail="  ")
    assert refused.value.fields == {"detail": ["Give the reason the victim declined support."]}


def test_a_victim_who_gets_in_touch_after_no_contact_reopens_the_case(case, vcc_user):
    for when in (MON_10, TUE_14, WED_18):
        attempt(case, when, vcc_user)
    record_victim_got_in_touch(case=case, by=vcc_user, note="Rang the hub")
    case.refresh_from_db()
    assert case.status == "awaiting_contact"
    assert case.contact_outcome == ""
    # A fresh round: a call the next week in the morning is allowed again.
    attempt(case, datetime(2025, 3, 10, 10, 0, tzinfo=LONDON), vcc_user, outcome="contacted")
    record_contact_outcome(case=case, outcome=ContactOutcome.ACCEPTED, by=vcc_user)


def test_a_letter_only_victim_who_responds_is_counted(vcc_user):
    case = CaseFactory(route="letter_only", status="letter_only")
    record_victim_got_in_touch(case=case, by=vcc_user)
    case.refresh_from_db()
    assert case.responded_to_letter is True
    assert case.status == "awaiting_contact"


def test_restricted_notes_are_for_managers_only(case, vcc_user, manager_user):
    add_note(case=case, by=vcc_user, text="Spoke to the school.")
    add_note(case=case, by=manager_user, text="Police staff member.", restricted=True)
    vcc_view = [e.text for e in contact_log(case, vcc_user) if e.kind == "note"]
    manager_view = [e.text for e in contact_log(case, manager_user) if e.kind == "note"]
    assert vcc_view == ["Spoke to the school."]
    assert set(manager_view) == {"Spoke to the school.", "Police staff member."}
    assert ContactNote.objects.count() == 2


def test_contact_log_is_newest_first_with_authors(case, vcc_user):
    attempt(case, MON_10, vcc_user)
    attempt(case, TUE_14, vcc_user)
    entries = [e for e in contact_log(case, vcc_user) if e.kind == "call"]
    assert [e.at for e in entries] == [TUE_14, MON_10]
    assert all(e.author == vcc_user for e in entries)
