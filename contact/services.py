"""Contact with victims: the introductory letter, phone attempts, outcomes and notes.

Service specification (Appendix 2 of the 2016 update): "contact every single victim of crime
by letter or email to highlight the services available within the Victims' Hub – to include
Restorative Justice"; "make reasonable attempts to contact a victim – specifically three
attempts at differing times and days; with a follow up letter if contact is not
established".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import cast

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import is_manager
from cases.choices import Route
from cases.models import Case, Person
from cases.services import transition_case
from cases.workflow import (
    CALLING_STATUSES,
    OUTCOME_STATUSES,
    REOPENABLE_STATUSES,
    CaseStatus,
)
from contact.calling_times import (  # noqa: F401 (the calling times, asked of services)
    Slot,
    band_label,
    band_of,
    bands,
    calling_hours,
    next_slot,
)
from contact.letter_languages import letter_language_for
from contact.models import (
    FAILED_OUTCOMES,
    AttemptOutcome,
    Channel,
    ContactAttempt,
    ContactOutcome,
    Letter,
    LetterKind,
)
from contact.next_steps import expect_decision, expect_dvna
from core.errors import NON_FIELD, DomainError
from core.phones import same_number
from core.working_days import end_of_working_day
from scheduling.models import ItemKind, ScheduledItem
from scheduling.services import (
    cancel_items,
    complete_human_items,
    save_item,
    schedule,
    scheduled_item,
)

# The person-work of a contact round: the calls, then the victim's decision once reached.
ATTEMPT_KINDS = (ItemKind.FIRST_CONTACT, ItemKind.NEXT_ATTEMPT, ItemKind.RECORD_DECISION)


def _attempt_refused(problems: list[str]) -> DomainError:
    """The attempt breaks the contact rules: one message for each way it does."""
    return DomainError(" ".join(problems), fields={NON_FIELD: problems})


# -- The introductory letter and first contact -------------------------------------------


NOT_SAFE_TO_WRITE = "Not safe to write to the victim."
NO_ADDRESS = "No postal address or email address for the victim."
# A victim who gets back in touch is called within a day (the hub's own standard).
CALL_BACK_WITHIN = timedelta(days=1)
NO_CONTACT_REASON = "Three attempts at differing times and days failed: follow-up letter queued."


def letter_channel(person: Person) -> str | None:
    """How a letter reaches the victim: email when they gave one, else post to a full
    address; None when the hub has neither."""
    if person.email:
        return Channel.EMAIL
    if person.address_line1 and person.postcode:
        return Channel.POST
    return None


def letter_item_kind(kind: str) -> str:
    """The scheduled work that renders and sends a letter of this kind."""
    return ItemKind.FOLLOW_UP_LETTER if kind == LetterKind.NO_CONTACT else ItemKind.SEND_LETTER


def letter_key(letter_pk: int) -> str:
    return f"letter:{letter_pk}"


def first_contact_key(case_pk: int, transitions: int) -> str:
    """One first call per time the case (re-)enters awaiting contact: keyed by the number
    of rows of its timeline."""
    return f"first_contact:{case_pk}:{transitions}"


def next_attempt_key(case_pk: int, attempt_pk: int) -> str:
    return f"next_attempt:{case_pk}:{attempt_pk}"


def no_letter_reason(person: Person) -> str:
    """Why no letter can go to this victim (letter_row gave none)."""
    return NO_ADDRESS if person.safe_to_write else NOT_SAFE_TO_WRITE


def letter_row(*, case: Case, kind: str) -> Letter | None:
    """The letter (or email) of this kind to the victim, not yet saved, or None when none
    can go (not safe to write, or no address: no_letter_reason says which).

    Rule: every victim gets the introductory letter unless it is unsafe to write (e.g. a
    perpetrator at the same address). In the victim's first language when the hub has
    letters in it, else English with the fallback recorded (contact.letter_languages).
    """
    person = case.person
    channel = letter_channel(person) if person.safe_to_write else None
    if channel is None:
        return None
    language = letter_language_for(person.first_language)
    return Letter(case=case, kind=kind, channel=channel, language=language.language,
                  no_letters_in=language.no_letters_in)


def letter_item(letter: Letter) -> ScheduledItem:
    """The scheduled work that renders and sends a saved letter."""
    return scheduled_item(
        kind=letter_item_kind(letter.kind), case=letter.case, target_id=letter.pk,
        due_at=timezone.now(), dedupe_key=letter_key(letter.pk),
    )


def queue_letter(*, case: Case, kind: str, new_case: bool = False) -> Letter | None:
    """Queue a letter (or email) to the victim (letter_row), or record on the case why none
    can go.

    Rule: a case has one letter of each kind: queueing it again returns the first
    (`new_case`: the case was opened in this transaction, so it has none yet and there is
    nothing to look up).
    """
    row = letter_row(case=case, kind=kind)
    if row is None:
        if kind == LetterKind.INTRODUCTORY:
            case.no_letter_reason = no_letter_reason(case.person)
            case.save(update_fields=["no_letter_reason", "updated_at"])
        return None
    if new_case:
        row.save(force_insert=True)
        letter, created = row, True
    else:
        fields = {"channel": row.channel, "language": row.language,
                  "no_letters_in": row.no_letters_in}
        letter, created = Letter.objects.get_or_create(case=case, kind=kind, defaults=fields)
    if created:
        save_item(letter_item(letter))
    return letter


def invite_expiry_key(case_pk: int, transitions: int) -> str:
    return f"invite_expired:{case_pk}:{transitions}"


class ContactPath(StrEnum):
    """How the hub reaches a victim it is to contact (contact_path)."""

    CALL = "call"
    INVITE_BY_LETTER = "invite_by_letter"
    MANAGER_DECISION = "manager_decision"


def distinct_attempts_possible(person: Person) -> int:
    """How many calls at differing parts of the day the victim's safe times allow."""
    names = [name for name, _, _ in bands()]
    if not person.safe_contact_bands:
        return len(names)
    return len(set(names) & set(person.safe_contact_bands))


def contact_path(case: Case) -> ContactPath:
    """How the hub is to reach the victim.

    Rule (issue 12): the hub phones a victim who is safe to call, has a phone, and whose
    safe times allow the three attempts at differing times (service specification).
    Otherwise it writes (where safe, to an address or email it has) inviting them to call;
    a victim who can be neither phoned nor written to is a manager's decision.
    """
    person = case.person
    if (
        person.safe_to_call
        and person.phone.strip()
        and distinct_attempts_possible(person) >= settings.HUB_MAX_FAILED_ATTEMPTS
    ):
        return ContactPath.CALL
    if person.safe_to_write and letter_channel(person) is not None:
        return ContactPath.INVITE_BY_LETTER
    return ContactPath.MANAGER_DECISION


def invite_response_due(start: datetime | None = None) -> datetime:
    """When a victim invited by letter to call is taken to be no contact."""
    return end_of_working_day(
        start or timezone.now(), settings.HUB_INVITE_RESPONSE_WORKING_DAYS
    )


def first_contact_item(case: Case, rows: int) -> ScheduledItem:
    """The first call, due now, by the case's contact deadline (not yet saved)."""
    return scheduled_item(
        kind=ItemKind.FIRST_CONTACT, case=case, due_at=timezone.now(),
        deadline_at=case.contact_due_at, dedupe_key=first_contact_key(case.pk, rows),
    )


def invite_expiry_item(case: Case, rows: int) -> ScheduledItem:
    """No contact, once the invited victim has not called in time (not yet saved)."""
    return scheduled_item(
        kind=ItemKind.INVITE_EXPIRED, case=case, due_at=invite_response_due(),
        dedupe_key=invite_expiry_key(case.pk, rows),
    )


def start_contact(*, case: Case, new: bool = False) -> None:
    """What a new case sets going: the introductory letter, and then by the contact path
    (contact_path): the first call (Victims' Code: due within one or five working days);
    or a letter inviting the victim to call, with no contact after a set number of working
    days if they do not (contact.handlers); or nothing more, for a manager to decide
    (the team page lists these cases).

    `new`: the case was just opened with cases.services.open_case (no letter yet, the two
    rows of its timeline), which spares the lookups. contact.bulk.start_contact_for_new_cases
    does the same for many new cases at once.
    """
    queue_letter(case=case, kind=LetterKind.INTRODUCTORY, new_case=new)
    if not can_call(case):
        return
    rows = 2 if new else case.transitions.count()
    letter_kind, item = first_contact_work(case, rows)
    if letter_kind is not None:
        queue_letter(case=case, kind=letter_kind, new_case=new)
    if item is not None:
        save_item(item)


def first_contact_work(case: Case, rows: int) -> tuple[str | None, ScheduledItem | None]:
    """What follows the introductory letter on a case the hub calls (can_call), by the
    contact path: the first call; or the letter inviting the victim to call (its kind) and
    the item that expires the invitation; or nothing, for a manager to decide. `rows`: the
    rows of the case's timeline (the items' dedupe keys)."""
    path = contact_path(case)
    if path == ContactPath.CALL:
        return None, first_contact_item(case, rows)
    if path == ContactPath.INVITE_BY_LETTER:
        return LetterKind.INVITE_TO_CALL, invite_expiry_item(case, rows)
    return None, None


# -- What the case allows ----------------------------------------------------------------


def can_call(case: Case) -> bool:
    """Rule: the hub phones a victim while the case is awaiting contact, until three calls
    at differing times and days have failed (service specification)."""
    return case.status in CALLING_STATUSES


def can_record_outcome(case: Case) -> bool:
    """Rule: the victim's decision is recorded once they were reached on a call, or when a
    victim the hub could not reach gets in touch with it (after the follow-up letter)."""
    if case.status not in OUTCOME_STATUSES:
        return False
    return not can_call(case) or case.attempts.filter(outcome=AttemptOutcome.CONTACTED).exists()


def can_reopen(case: Case) -> bool:
    """Rule: a victim who gets in touch again re-opens the case for contact from the
    statuses whose move back to awaiting contact is a re-opening (cases.workflow)."""
    return case.status in REOPENABLE_STATUSES


# -- Phone attempts ---------------------------------------------------------------------


def _attempts(case: Case) -> list[ContactAttempt]:
    return list(case.attempts.order_by("made_at", "pk"))


def _entered_awaiting_contact(case: Case) -> datetime | None:
    """When the case last (re)entered awaiting contact."""
    return (
        case.transitions.filter(to_status=CaseStatus.AWAITING_CONTACT)
        # A line on the timeline that leaves the status as it was (a merge of person
        # records: cases.people) is no re-entry.
        .exclude(from_status=CaseStatus.AWAITING_CONTACT)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )


def _since_reopened(case: Case, attempts: list[ContactAttempt]) -> list[ContactAttempt]:
    """Attempts since the case last (re)entered awaiting contact: a re-opened case starts a
    fresh round of three."""
    entered = _entered_awaiting_contact(case)
    if entered is None:
        return attempts
    return [a for a in attempts if a.created_at >= entered]


def attempt_problems(
    *, case: Case, made_at: datetime, number: str, outcome: str, now: datetime | None = None
) -> list[str]:
    """Every way this attempt would break the contact rules (empty when it is allowed)."""
    now = now or timezone.now()
    person = case.person
    problems: list[str] = []
    if case.route != Route.HUB_CONTACT and not can_call(case):
        problems.append("This case is not for hub contact: the hub does not phone this victim.")
    elif not can_call(case):
        problems.append(
            f"The case is '{CaseStatus(case.status).label}': calls are made while it is "
            "awaiting contact."
        )
    if made_at > now + timedelta(minutes=5):
        problems.append("The time of the call cannot be in the future.")
    if outcome not in FAILED_OUTCOMES:
        # The victim was reached (they rang back, or answered): recorded at any time. The
        # pacing and safe-time rules are about when the hub dials, so they bind failed calls.
        return list(dict.fromkeys(problems))
    if not person.safe_to_call:
        problems.append("The victim said it is not safe to phone them.")
    if any(same_number(number, unsafe) for unsafe in person.unsafe_numbers):
        problems.append("The victim said this number must never be called.")
    band = band_of(made_at)
    local = timezone.localtime(made_at)
    if band is None:
        problems.append(f"{local:%H:%M} is outside calling hours ({calling_hours()}).")
    elif person.safe_contact_bands and band not in person.safe_contact_bands:
        safe = " or ".join(band_label(b) for b in person.safe_contact_bands)
        problems.append(f"The victim said it is only safe to call in {safe}.")
    if outcome == AttemptOutcome.VOICEMAIL and not person.may_leave_message:
        problems.append("The victim said no message may be left.")
    earlier = [a for a in _since_reopened(case, _attempts(case)) if a.failed]
    if len(earlier) >= settings.HUB_MAX_FAILED_ATTEMPTS:
        problems.append("Three attempts have already been made on this case.")
    for attempt in earlier:
        previous = timezone.localtime(attempt.made_at)
        if previous.date() == local.date():
            problems.append(
                f"An attempt was already made on {previous:%A %-d %B}: "
                "the three attempts must be on different days."
            )
        if band is not None and attempt.band == band:
            problems.append(
                f"An attempt was already made in {band_label(band)} "
                f"({previous:%A %-d %B}): try another part of the day."
            )
    return list(dict.fromkeys(problems))


def propose_next_attempt(case: Case, *, after: datetime | None = None) -> Slot | None:
    """The next slot the rules allow: a working day with no attempt yet, in a part of the
    day not yet tried, inside the victim's safe times. None if there is no such slot."""
    after = after or timezone.now()
    person = case.person
    if not person.safe_to_call or not can_call(case):
        return None
    earlier = [a for a in _since_reopened(case, _attempts(case)) if a.failed]
    if len(earlier) >= settings.HUB_MAX_FAILED_ATTEMPTS:
        return None
    return next_slot(
        after=after,
        tried_bands={a.band for a in earlier},
        tried_days={timezone.localtime(a.made_at).date() for a in earlier},
        safe_bands=person.safe_contact_bands,
    )


@dataclass(frozen=True)
class AttemptRecorded:
    """A call recorded, and what the hub did next (`summary`: the confirmation's words)."""

    attempt: ContactAttempt
    summary: str


ORDINALS = {1: "First", 2: "Second", 3: "Third"}


@transaction.atomic
def record_contact_attempt(
    *,
    case: Case,
    made_at: datetime,
    number_used: str,
    outcome: str,
    by: User,
    notes: str = "",
    override_reason: str = "",
    with_interpreter: bool = False,
) -> AttemptRecorded:
    """Record a phone attempt, if the rules allow it, and set the next step going.

    Rules: three attempts at differing times and days (service specification): never twice
    on one day or in one part of the day; never outside the victim's safe times or on a
    number they said was unsafe. These bind failed calls: a victim reached (who rang back,
    or answered) is recorded as contacted at any time (issue 12). A manager may override,
    giving a reason that is kept. After the third failed attempt the case moves to
    no_contact and the follow-up letter is queued by itself.
    """
    case = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
    problems = attempt_problems(case=case, made_at=made_at, number=number_used, outcome=outcome)
    override_reason = override_reason.strip()
    if problems:
        if not override_reason:
            raise _attempt_refused(problems)
        if not is_manager(by):
            raise _attempt_refused(problems + ["Only a hub manager can override the rules."])
        if not can_call(case):
            raise _attempt_refused(problems)
    attempt = ContactAttempt.objects.create(
        case=case,
        made_at=made_at,
        made_by=by,
        number_used=number_used.strip(),
        band=band_of(made_at) or "",
        outcome=outcome,
        notes=notes,
        with_interpreter=with_interpreter,
        override_reason=override_reason if problems else "",
    )
    complete_human_items(case=case, kinds=ATTEMPT_KINDS, by=by)
    if outcome not in FAILED_OUTCOMES:
        expect_decision(case=case, attempt_pk=attempt.pk)
        return AttemptRecorded(
            attempt, "Call recorded: the victim was contacted. Record their decision next."
        )
    failed = [a for a in _since_reopened(case, _attempts(case)) if a.failed]
    ordinal = ORDINALS.get(len(failed), f"Attempt {len(failed)}:")
    if len(failed) >= settings.HUB_MAX_FAILED_ATTEMPTS:
        letter = move_to_no_contact(case=case, by=by, reason=NO_CONTACT_REASON)
        return AttemptRecorded(
            attempt,
            f"{ordinal} attempt recorded. The case is now '{CaseStatus.NO_CONTACT.label}'; "
            + follow_up_words(letter),
        )
    slot = propose_next_attempt(case, after=made_at + timedelta(minutes=1))
    if slot is None:
        return AttemptRecorded(
            attempt,
            f"{ordinal} attempt recorded. The rules leave no further slot: "
            "a manager decides the next step.",
        )
    schedule(
        kind=ItemKind.NEXT_ATTEMPT,
        case=case,
        due_at=slot.start,
        deadline_at=slot.end,
        dedupe_key=next_attempt_key(case.pk, attempt.pk),
    )
    return AttemptRecorded(attempt, f"{ordinal} attempt recorded. Next attempt: {slot}.")


def follow_up_words(letter: Letter | None) -> str:
    if letter is None:
        return "no follow-up letter can go (not safe to write, or no address or email)."
    return "a follow-up letter has been queued."


def move_to_no_contact(*, case: Case, by: User | None, reason: str) -> Letter | None:
    """The case moves to no contact and the follow-up letter is queued (where safe): after
    three failed calls, or when a victim invited by letter to call has not (issue 12).
    Returns the letter, None when none can go."""
    case.contact_outcome = ContactOutcome.NO_CONTACT
    case.save(update_fields=["contact_outcome", "updated_at"])
    transition_case(case=case, to=CaseStatus.NO_CONTACT, by=by, reason=reason)
    cancel_items(case=case, kinds=ATTEMPT_KINDS)
    return queue_letter(case=case, kind=LetterKind.NO_CONTACT)


NO_RESPONSE_TO_INVITE = (
    "The victim did not get in touch after the letter inviting them to call: "
    "no contact."
)


def close_unanswered_invite(*, case_pk: int, invited_at: datetime) -> Letter | None:
    """The working days for a reply to the invitation have passed: if the case is still
    awaiting contact in the round it was invited in (not re-opened since) and no call
    reached the victim, it moves to no contact with the follow-up letter (where safe)."""
    case = Case.objects.select_for_update().select_related("person").filter(pk=case_pk).first()
    if case is None or case.status != CaseStatus.AWAITING_CONTACT:
        return None
    entered = _entered_awaiting_contact(case)
    if entered is not None and entered > invited_at:
        return None
    if any(not a.failed for a in _since_reopened(case, _attempts(case))):
        return None
    return move_to_no_contact(case=case, by=None, reason=NO_RESPONSE_TO_INVITE)


# -- Outcomes once contacted ---------------------------------------------------------------

# The status each decision moves the case to (cases.workflow.CONTACT_DECISION_STATUSES).
DECISION_STATUS: dict[str, CaseStatus] = {
    ContactOutcome.DECLINED: CaseStatus.DECLINED,
    ContactOutcome.SIGNPOSTED: CaseStatus.SIGNPOSTED,
    ContactOutcome.ACCEPTED: CaseStatus.ACCEPTED,
}


def outcome_reason(*, outcome: str, detail: str = "") -> str:
    """What the case's timeline says when the victim decides, once contacted."""
    return {
        "declined": f"Contacted: declined support. Reason: {detail}",
        "signposted": f"Contacted: signposted to {detail}",
        "accepted": "Contacted: accepted support; DVNA to follow."
        + (f" {detail}" if detail else ""),
    }[outcome]


@dataclass(frozen=True)
class CaseMoved:
    """A contact action done, and what the hub did next (`summary`: the confirmation)."""

    case: Case
    summary: str


@transaction.atomic
def record_contact_outcome(*, case: Case, outcome: str, by: User, detail: str = "") -> CaseMoved:
    """Record what the victim decided once contacted: declined (with the reason),
    signposted (to what) or accepted support (on to the DVNA). Each is a case transition.

    Rule: only where an outcome may be recorded (can_record_outcome): once the victim was
    reached on a call, or after no contact when they get in touch."""
    if outcome not in DECISION_STATUS:
        raise DomainError("Choose declined, signposted or accepted.", field="outcome")
    detail = detail.strip()
    if outcome == ContactOutcome.DECLINED and not detail:
        raise DomainError("Give the reason the victim declined support.", field="detail")
    if outcome == ContactOutcome.SIGNPOSTED and not detail:
        raise DomainError("Say what the victim was signposted to.", field="detail")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status not in OUTCOME_STATUSES:
        raise DomainError(
            "An outcome is recorded while the case is awaiting contact or after no contact. "
            f"This case is '{CaseStatus(case.status).label}'."
        )
    if not can_record_outcome(case):
        raise DomainError("Record the call on which the victim was contacted first.")
    reason = outcome_reason(outcome=outcome, detail=detail)
    transition_case(case=case, to=DECISION_STATUS[outcome], by=by, reason=reason)
    case.contact_outcome = outcome
    case.outcome_detail = detail
    case.save(update_fields=["contact_outcome", "outcome_detail", "updated_at"])
    complete_human_items(case=case, kinds=ATTEMPT_KINDS, by=by)
    if outcome == ContactOutcome.ACCEPTED:
        expect_dvna(case=case)
    return CaseMoved(
        case, f"Outcome recorded. The case is now '{CaseStatus(case.status).label}'."
    )


def got_in_touch_reason(status: str) -> str | None:
    """What the timeline says when a victim gets back in touch from this status; None when
    the case is already open for contact."""
    if status not in REOPENABLE_STATUSES:
        return None
    if status == CaseStatus.LETTER_ONLY:
        return "Victim came back to the hub after the letter."
    return "Victim got in touch: re-opened."


@transaction.atomic
def record_victim_got_in_touch(*, case: Case, by: User, note: str = "") -> CaseMoved:
    """A victim who gets in touch later re-opens the case for contact: after the follow-up
    letter (no_contact), after the letter-only introduction (responded to the letter), or
    after declining or closure. A survey still due after a closure is cancelled.

    Rule: from the statuses whose move back to awaiting contact is a re-opening
    (can_reopen, cases.workflow.REOPENABLE_STATUSES)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not can_reopen(case):
        raise DomainError("The case is already open for contact.")
    # A status that can be re-opened (checked above) always has a reason.
    reason = cast(str, got_in_touch_reason(case.status))
    if case.status == CaseStatus.LETTER_ONLY:
        case.responded_to_letter = True
        case.save(update_fields=["responded_to_letter", "updated_at"])
    transition_case(
        case=case,
        to=CaseStatus.AWAITING_CONTACT,
        by=by,
        reason=reason + (f" {note.strip()}" if note.strip() else ""),
    )
    if case.contact_outcome == ContactOutcome.NO_CONTACT:
        case.contact_outcome = ""
        case.save(update_fields=["contact_outcome", "updated_at"])
    # A satisfaction survey still due asks about support that is now starting again: it is
    # recorded only on a closed case, so it would wait on My work for ever.
    cancel_items(case=case, kinds=[ItemKind.SURVEY])
    call_back = schedule(
        kind=ItemKind.FIRST_CONTACT,
        case=case,
        due_at=timezone.now(),
        deadline_at=timezone.now() + CALL_BACK_WITHIN,
        dedupe_key=first_contact_key(case.pk, case.transitions.count()),
    )
    by_when = timezone.localtime(call_back.deadline_at or call_back.due_at)
    return CaseMoved(
        case,
        f"The case is '{CaseStatus.AWAITING_CONTACT.label}' again; a call back is due by "
        f"{by_when:%A %-d %B %H:%M}.",
    )


def cancel_contact_work(*, case: Case) -> None:
    cancel_items(case=case, kinds=ATTEMPT_KINDS)
