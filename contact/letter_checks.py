"""The safety check: a letter or email to a victim at risk waits for a VCC before it goes.

Issue 12 ("Letters and emails to people at risk are checked by a person first"): "Any letter
or email for a case that is high risk, has a domestic abuse, stalking, child abuse, CSE,
trafficking or safeguarding marker, or whose safe-to-write answer is unknown, waits for a VCC's
safety check (as postal letters already do), whatever the channel. The check shows the address
or email it will go to and a preview of the letter; approving or stopping it is recorded with
the reason. A 'select all that look safe' is fine for ordinary cases, never for these."

The rule is `needs_safety_check`; the send (contact.letters.send_letter), the bulk approval
(approve_letters below), My work and the check page all ask it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pghistory
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import BooleanField, Q, QuerySet, Value, When
from django.db.models import Case as Choose
from django.utils import timezone

from accounts.models import User
from cases.choices import Marker, Route
from cases.models import Case
from contact.models import Channel, Letter, LetterStatus
from core.errors import DomainError
from scheduling.models import ItemKind
from scheduling.services import schedule

# Crime markers that put a victim at risk if a letter reaches the wrong reader (issue 12).
AT_RISK_MARKERS = frozenset(
    {
        Marker.DOMESTIC_ABUSE,
        Marker.STALKING_HARASSMENT,
        Marker.CHILD_ABUSE,
        Marker.CHILD_SEXUAL_EXPLOITATION,
        Marker.HUMAN_TRAFFICKING,
        Marker.SAFEGUARDING_VULNERABLE_ADULTS,
    }
)

STOP_REASON_MAX = 1000


def needs_safety_check(letter_or_case: Letter | Case) -> bool:
    """Does a letter (or any letter) for this case wait for a VCC's safety check before it is
    sent, whatever its kind and channel? Yes when the case is high risk (route high_risk),
    its crime carries a domestic abuse, stalking or harassment, child abuse, child sexual
    exploitation, human trafficking or safeguarding (vulnerable adults) marker, or the IVNA's
    safe-to-write answer was not given (intake.models.Ivna.safe_to_write is None). Issue 12.
    """
    case = letter_or_case.case if isinstance(letter_or_case, Letter) else letter_or_case
    if case.route == Route.HIGH_RISK:
        return True
    if case.crime is not None and AT_RISK_MARKERS.intersection(case.crime.markers or []):
        return True
    try:
        ivna = case.ivna  # intake is above contact: read through the relation, not imported
    except ObjectDoesNotExist:
        return False
    return ivna.safe_to_write is None


def safety_check_condition(prefix: str = "") -> Q:
    """`needs_safety_check` as a condition on a case, for lists that count and page in the
    database (My work); `prefix` reaches the case through a relation ("case__"). Tested to
    agree with needs_safety_check case by case (tests/contact/test_letter_checks.py)."""
    return (
        Q(**{f"{prefix}route": Route.HIGH_RISK})
        | Q(**{f"{prefix}crime__markers__overlap": sorted(AT_RISK_MARKERS)})
        | Q(**{f"{prefix}ivna__isnull": False, f"{prefix}ivna__safe_to_write__isnull": True})
    )


def by_safety_check(queryset: QuerySet[Any], needed: bool, prefix: str = "") -> QuerySet[Any]:
    """The rows whose case needs the check (`needed`) or does not. A case with no crime or no
    IVNA is one that does not, unless it is high risk: never lost between the two."""
    return queryset.alias(
        needs_check=Choose(
            When(safety_check_condition(prefix), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    ).filter(needs_check=needed)


def waiting_for_check(letter: Letter) -> bool:
    """The letter needs the safety check and no VCC has approved or stopped it yet."""
    return (
        letter.approved_at is None
        and letter.status not in (LetterStatus.SENT, LetterStatus.STOPPED)
        and needs_safety_check(letter)
    )


def may_decide(letter: Letter) -> bool:
    """The check page offers "Approve and send" / "Stop this letter" for this letter."""
    return letter.approved_at is None and letter.status in (
        LetterStatus.QUEUED,
        LetterStatus.RENDERED,
    )


def refuse_at_risk(letters: Iterable[Letter]) -> None:
    """The bulk "approve selected" is for ordinary letters only: a letter that needs the
    safety check is approved one at a time, from its check page (issue 12)."""
    at_risk = [letter for letter in letters if needs_safety_check(letter)]
    if at_risk:
        raise DomainError(
            "A letter to a victim at risk cannot be approved with others: open its check "
            f"page and check it on its own ({len(at_risk)} selected).",
            code="needs_safety_check",
        )


def recipient(letter: Letter) -> str:
    """Where the letter will go: the email address, or the postal address on one line."""
    person = letter.case.person
    if letter.channel == Channel.EMAIL:
        return person.email
    lines = [person.address_line1, person.address_line2, person.town, person.postcode]
    return ", ".join(line.strip() for line in lines if line and line.strip())


def _locked(letter: Letter) -> Letter:
    return Letter.objects.select_for_update(of=("self",)).select_related(
        "case", "case__person", "case__crime"
    ).get(pk=letter.pk)


@transaction.atomic
def approve_letter(*, letter: Letter, by: User) -> Letter:
    """A VCC has checked one letter (the address or email it goes to, and its text) and
    approves it: who and when are recorded. An approved email is sent by the scheduled send
    (contact.handlers); an approved postal letter waits for the post room."""
    letter = _locked(letter)
    if not may_decide(letter):
        raise DomainError(_why_no_decision(letter), code="letter_decided")
    with pghistory.context(user=by.pk, via="letter safety check"):
        letter.approved_at, letter.approved_by = timezone.now(), by
        letter.save(update_fields=["approved_at", "approved_by"])
        if letter.channel == Channel.EMAIL and letter.status == LetterStatus.RENDERED:
            # The first send rendered it and stopped at the check; send it now.
            schedule(
                kind=ItemKind.SEND_LETTER,
                case=letter.case,
                target_id=letter.pk,
                due_at=timezone.now(),
                dedupe_key=f"letter:{letter.pk}:approved",
            )
    return letter


@transaction.atomic
def stop_letter(*, letter: Letter, by: User, reason: str) -> Letter:
    """A VCC stops a letter that is not safe to send: it is never sent (the scheduled send
    and the post room skip a stopped letter). Who, when and why are recorded on the letter."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why this letter must not be sent.", field="reason")
    if len(reason) > STOP_REASON_MAX:
        raise DomainError(
            f"Keep the reason to {STOP_REASON_MAX} characters or fewer.", field="reason"
        )
    letter = _locked(letter)
    if letter.status in (LetterStatus.SENT, LetterStatus.STOPPED):
        raise DomainError(_why_no_decision(letter), field="reason", code="letter_decided")
    with pghistory.context(user=by.pk, via="letter safety check", reason=reason):
        letter.status = LetterStatus.STOPPED
        letter.stopped_at, letter.stopped_by, letter.stop_reason = timezone.now(), by, reason
        letter.save(update_fields=["status", "stopped_at", "stopped_by", "stop_reason"])
    return letter


def _why_no_decision(letter: Letter) -> str:
    if letter.status == LetterStatus.SENT:
        return "This letter has already been sent."
    if letter.status == LetterStatus.STOPPED:
        return "This letter has already been stopped."
    if letter.approved_at is not None:
        return "This letter has already been approved."
    return f"This letter cannot be approved while it is {letter.get_status_display().lower()}."


# -- A VCC acts on letters ----------------------------------------------------------------


@transaction.atomic
def approve_letters(*, letters: Iterable[Letter], by: User) -> int:
    """A VCC checks postal letters before the post room prints them, several at once: for
    ordinary letters only. A letter to a victim at risk is checked on its own (issue 12:
    contact.letter_checks.approve_letter); selecting one here refuses the whole approval."""
    letters = list(letters)
    refuse_at_risk(Letter.objects.filter(pk__in=[letter.pk for letter in letters])
                   .select_related("case", "case__crime"))
    ids = [letter.pk for letter in letters]
    return Letter.objects.filter(
        pk__in=ids, channel=Channel.POST, status=LetterStatus.RENDERED, approved_at__isnull=True
    ).update(approved_at=timezone.now(), approved_by=by)


@transaction.atomic
def retry_letter(*, letter: Letter, by: User) -> Letter:
    """A failed letter is rendered and sent again; so is a held one, once writing is safe
    again (the send itself checks that: contact.letters.send_letter)."""
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if letter.status not in (LetterStatus.FAILED, LetterStatus.HELD):
        raise DomainError("Only a failed or held letter can be sent again.")
    if letter.status == LetterStatus.HELD and not letter.case.person.safe_to_write:
        raise DomainError(
            "This letter is held because it is not safe to write to the victim: record "
            "that it is safe again (safe contact, with a reason) before sending it."
        )
    letter.status = LetterStatus.QUEUED
    letter.error = ""
    letter.save(update_fields=["status", "error"])
    schedule(
        kind=ItemKind.SEND_LETTER,
        case=letter.case,
        target_id=letter.pk,
        due_at=timezone.now(),
        dedupe_key=f"letter:{letter.pk}:retry:{timezone.now().timestamp():.0f}",
    )
    return letter
