"""Writes for retention and the data subject's rights. Each change is one function, in one
transaction, with who did it in the history context.

What anonymisation removes and what it keeps is set out in docs/retention.md; the lists below
are the whole of it. The rule: nothing that identifies the victim survives, in the records
or in their history (the pghistory event tables copy every change), while every field the
hub flow and the returns count stays as it was, so `reporting.flow.compute_flow` gives the
same figures before and after.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

import pghistory
import pgtrigger
from django.apps import apps
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import ApiClient, EnrolmentInvite, User
from assessments.models import (
    Closure,
    ClosureOutcome,
    ConsentToShare,
    Dvna,
    DvnaNeed,
    PlanAction,
    RecoveryPlan,
    Review,
    SurveyResponse,
)
from cases.choices import age_band
from cases.models import Case, CaseTransition, Crime, Person, PersonMerge
from cases.workflow import TRANSITIONS
from contact.models import ContactAttempt, ContactNote, Letter
from core.errors import LEGAL_HOLD, DomainError
from directory.models import SupportService
from intake.models import Ivna, IvnaVersion, ProposedChange, SelfReferral, Transfer
from privacy.models import (
    AnonymisedBecause,
    AnonymisedCase,
    AnonymisedPerson,
    DataSubjectRequest,
    ErasureDecision,
    HoldReason,
    LegalHold,
    RequestKind,
    RetentionRule,
    RetentionRun,
)
from privacy.selectors import (
    active_holds,
    due_for_retention,
    held_past_retention,
    retention_rules,
)
from referrals.models import Referral
from scheduling.models import ItemState, ScheduledItem
from volunteers.models import Volunteer, VolunteerAllocation, VolunteerHours

log = logging.getLogger(__name__)

ANONYMISED_NAME = "Anonymised"


def token() -> str:
    """A reference that stands in for a police id or crime reference: random, so it cannot
    be traced back to the police record."""
    return f"ANON-{secrets.token_hex(6).upper()}"


# -- What goes ---------------------------------------------------------------------------

# The person's details. Kept: gender, ethnicity, district and deprivation quintile (the
# categories the returns count, each shared by many people) and created_at.
PERSON_SCRUB: dict[str, object] = {
    "first_name": ANONYMISED_NAME,
    "last_name": "",
    "date_of_birth": None,
    "nationality": "",
    "first_language": "",
    "interpreter_needed": False,
    "phone": "",
    "email": "",
    "address_line1": "",
    "address_line2": "",
    "town": "",
    "postcode": "",
    # Nobody may call or write to a record with no one behind it.
    "safe_to_call": False,
    "safe_to_write": False,
    "may_leave_message": False,
    "safe_contact_bands": [],
    "safe_contact_notes": "",
    "unsafe_numbers": [],
}

# Free text on the records of one case, model by model. Everything else on these records is
# a category, a date or a count, which the flow, the returns and the timeline need.
CASE_TEXT: list[tuple[type[models.Model], dict[str, object]]] = [
    (Case, {"outcome_detail": "", "no_letter_reason": ""}),
    (SelfReferral, {"asker_name": "", "asker_relationship": "", "account": ""}),
    (Ivna, {"notes": ""}),
    # The protected characteristics the DVNA asks about are special category data (UK GDPR
    # art. 9): blanked with the free text, unlike gender and ethnicity, which stay.
    (Dvna, {"risk_notes": "", "communication_needs": "", "summary": "", "first_language": "",
            "disability": "", "religion": "", "sexual_orientation": ""}),
    (Letter, {"pdf": None, "text": "", "error": "", "stop_reason": "", "no_letters_in": ""}),
    (ContactAttempt, {"number_used": "", "notes": "", "override_reason": ""}),
    (ContactNote, {"text": ""}),
    (Referral, {"document": b"", "decline_reason": "", "email_error": ""}),
    (Transfer, {"notes": ""}),
    # Every IVNA sent for the case as it was sent (the victim's details in it), and the
    # changes the police proposed: what changed stays a count of versions, not the words.
    (IvnaVersion, {"answers": {}, "changes": []}),
    (ProposedChange, {"current": None, "proposed": None, "reason": ""}),
    (Review, {"notes": ""}),
    (Closure, {"reason_detail": "", "notes": ""}),
    (SurveyResponse, {"comments": ""}),
    (VolunteerAllocation, {"end_reason": ""}),
]
# Case records of apps still being built, by label: scrubbed when the model is installed.
# audit.CaseAccessGrant: the reason a member of staff gave for opening a restricted case
# may describe the victim; who, when and what kind of grant stay.
CASE_TEXT_BY_LABEL: list[tuple[str, dict[str, object]]] = [
    ("audit.CaseAccessGrant", {"reason": ""}),
    # A complaint about the hub on this case: who complained, how to reach them and their
    # words go; how, when, what right, the outcome and the hub's learning stay (the returns).
    ("complaints.Complaint", {"complainant_name": "", "complainant_contact": "", "summary": ""}),
    # Victims' Code evidence and the justice timeline: how a right was met, why it was missed
    # and a step's detail may describe the victim; the right, the status and dates stay.
    ("rights.Entitlement", {"how": "", "reason": ""}),
    ("rights.JusticeEvent", {"detail": ""}),
]


def case_text_models() -> list[tuple[type[models.Model], dict[str, object]]]:
    found = list(CASE_TEXT)
    for label, values in CASE_TEXT_BY_LABEL:
        try:
            found.append((apps.get_model(label), values))
        except LookupError:
            continue
    return found


# Records one step further from the case: (model, its parent's model, the foreign key).
NESTED_TEXT: list[tuple[type[models.Model], type[models.Model], str, dict[str, object]]] = [
    (DvnaNeed, Dvna, "dvna_id", {"notes": ""}),
    (PlanAction, RecoveryPlan, "plan_id", {"description": ""}),
    (VolunteerHours, VolunteerAllocation, "allocation_id", {"notes": "", "change_reason": ""}),
]
# Models with nothing to remove (categories, dates and staff only), listed so that a new
# tracked model cannot be forgotten: tests/privacy checks every tracked model is in a list.
NOTHING_TO_REMOVE = (ConsentToShare, RecoveryPlan, ClosureOutcome)
# Tracked models that hold no victim's data: the directory, volunteers' profiles, the schedule.
# Machine clients' tokens (hashes) and staff enrolment links (hashes, with who issued them):
# staff and systems, never a victim.
NOT_VICTIM_DATA = (SupportService, Volunteer, RetentionRule, ApiClient, EnrolmentInvite)
# Records of a case that are handled on their own in anonymise_case (the timeline's reasons,
# the schedule's errors, holds' words) or are the anonymisation itself.
CASE_RECORDS_HANDLED_APART = ("cases.CaseTransition", "scheduling.ScheduledItem",
                              "privacy.LegalHold", "privacy.AnonymisedCase")


def event_models(model: type[models.Model]) -> set[type[models.Model]]:
    """The pghistory event models that copy this model's rows."""
    return set(getattr(model, "pgh_event_models", {}).values())


def _scrub(
    model: type[models.Model],
    values: dict[str, object],
    *,
    live: Q,
    history: Q,
) -> None:
    """Overwrite `values` on the live rows and on every history row of them.

    The live UPDATE fires the history trigger, which writes one more event: a copy of the
    scrubbed row, attributed to the anonymisation's context. Then the earlier events are
    overwritten in place (the event tables have no append-only trigger).
    """
    # `_default_manager` is each model's `objects` (the generic name for any model class).
    model._default_manager.filter(live).update(**values)
    for event_model in event_models(model):
        names = {field.name for field in event_model._meta.concrete_fields}
        kept = {key: value for key, value in values.items() if key in names}
        if kept:
            event_model._default_manager.filter(history).update(**kept)


def _ids_of(model: type[models.Model], fk: str, value: int) -> set[int]:
    """Ids of a model's rows under one parent, now or ever (the history remembers rows
    that have since gone)."""
    ids = set(model._default_manager.filter(**{fk: value}).values_list("pk", flat=True))
    for event_model in event_models(model):
        ids |= set(
            event_model._default_manager.filter(**{fk: value}).values_list("pgh_obj_id", flat=True)
        )
    return ids


def _standard_reason(from_status: str, to_status: str) -> str:
    if not from_status:
        return "Referral received."
    return TRANSITIONS.get(from_status, {}).get(to_status, "Status changed.")


def _month_start(day: date) -> date:
    return day.replace(day=1)


@dataclass(frozen=True)
class Anonymised:
    case: AnonymisedCase
    person: bool
    crime: bool


def _anonymise_case_records(case: Case) -> None:
    for model, values in case_text_models():
        if model is Case:
            _scrub(Case, values, live=Q(pk=case.pk), history=Q(pgh_obj_id=case.pk))
        else:
            _scrub(model, values, live=Q(case_id=case.pk), history=Q(case_id=case.pk))
    for model, parent, fk, values in NESTED_TEXT:
        parents = _ids_of(parent, "case_id", case.pk)
        _scrub(model, values, live=Q(**{f"{fk}__in": parents}),
               history=Q(**{f"{fk}__in": parents}))
    # Another area's reference for the victim: a token in its place (unique per sender).
    for transfer in Transfer.objects.filter(case=case).exclude(their_reference=""):
        reference = token()
        _scrub(Transfer, {"their_reference": reference}, live=Q(pk=transfer.pk),
               history=Q(pgh_obj_id=transfer.pk))
    # The timeline keeps who, when, from and to; a reason typed by a person (a declined
    # victim's words, a note) gives way to the standard words for the move.
    transitions = list(CaseTransition.objects.filter(case=case))
    for transition in transitions:
        transition.reason = _standard_reason(transition.from_status, transition.to_status)
    with pgtrigger.ignore("cases.CaseTransition:case_transition_append_only"):
        CaseTransition.objects.bulk_update(transitions, ["reason"])
    # Nothing more is sent or asked for: cancel the work still due.
    ScheduledItem.objects.filter(case=case, state=ItemState.DUE).update(
        state=ItemState.CANCELLED, done_at=timezone.now()
    )
    ScheduledItem.objects.filter(case=case).exclude(last_error="").update(last_error="")
    LegalHold.objects.filter(case=case).update(detail="", lift_reason="")


def _anonymise_crime(crime: Crime) -> None:
    reported = timezone.localtime(crime.reported_at).date()
    values = {
        "reference": token(),
        "offence_date": _month_start(crime.offence_date),
        "reported_at": datetime.combine(
            _month_start(reported), time.min, tzinfo=timezone.get_current_timezone()
        ),
    }
    _scrub(Crime, values, live=Q(pk=crime.pk), history=Q(pgh_obj_id=crime.pk))


def _anonymise_person(person: Person, *, by: User | None, because: str) -> None:
    values = {**PERSON_SCRUB, "police_person_id": token() if person.police_person_id else None}
    _scrub(Person, values, live=Q(pk=person.pk), history=Q(pgh_obj_id=person.pk))
    # The requests stay (kind, decision, fields, who, when); the words of their reasons go.
    DataSubjectRequest.objects.filter(person=person).update(detail="")
    LegalHold.objects.filter(person=person).update(detail="", lift_reason="")
    AnonymisedPerson.objects.create(person=person, by=by, because=because)
    # Records merged into this one (cases.people) hold the same victim's details, and a
    # merge keeps both records as they were: they go too.
    PersonMerge.objects.filter(Q(kept=person) | Q(merged=person)).update(
        reason="", undo_reason="", kept_before={}, merged_before={}
    )
    for merged in Person.objects.filter(merged_into=person, anonymisation__isnull=True):
        _anonymise_person(merged, by=by, because=because)


@transaction.atomic
def anonymise_case(
    *,
    case: Case,
    by: User | None,
    reason: str,
    rule: RetentionRule | None = None,
    only_if_due_at: datetime | None = None,
) -> Anonymised | None:
    """Replace the personal data of one case with nothing that identifies the victim, in
    one transaction, history included; keep what the flow and the returns count.

    Rules (UK GDPR Art. 5(1)(e), Art. 17; docs/retention.md):
    - nothing under an active legal hold (on the case or on the person) is anonymised;
    - the person's own details go with their last case: a person with another case not yet
      anonymised keeps them; a crime shared with another victim keeps its reference until
      the last of its cases goes;
    - the victim's age band at referral is worked out and kept before the date of birth goes;
    - done once: a case already anonymised is left as it is (returns its mark).

    `reason` is "retention" or "erasure". With `only_if_due_at`, the case is anonymised only
    if it is still due at that moment (the daily job re-checks under the lock).
    Returns None when the case was no longer due.
    """
    if reason not in AnonymisedBecause.values:
        raise ValueError(f"Unknown reason {reason!r}")
    person = Person.objects.select_for_update().get(pk=case.person_id)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    done = AnonymisedCase.objects.filter(case=locked).first()
    if done is not None:
        return Anonymised(case=done, person=False, crime=False)
    holds = active_holds(case=locked)
    if holds:
        raise DomainError(
            f"Case {locked.reference} is under a legal hold "
            f"({holds[0].get_reason_display().lower()}): it cannot be anonymised.",
            code=LEGAL_HOLD,
        )
    if only_if_due_at is not None and not due_for_retention(only_if_due_at).filter(
        pk=locked.pk
    ).exists():
        return None

    with pghistory.context(user=by.pk if by else None, via=f"privacy:{reason}"):
        referral_day = timezone.localdate(locked.referred_at)
        mark = AnonymisedCase.objects.create(
            case=locked,
            by=by,
            because=reason,
            rule=rule,
            age_band_at_referral=age_band(person.age_on(referral_day)),
        )
        _anonymise_case_records(locked)

        crime_done = False
        if locked.crime_id is not None:
            crime = Crime.objects.select_for_update().get(pk=locked.crime_id)
            if not crime.cases.filter(anonymisation__isnull=True).exists():
                _anonymise_crime(crime)
                crime_done = True

        person_done = False
        if not person.cases.filter(anonymisation__isnull=True).exists():
            _anonymise_person(person, by=by, because=reason)
            person_done = True
    log.info(
        "case %s anonymised (%s); person %s: %s", locked.pk, reason, person.pk,
        "anonymised" if person_done else "kept (other cases)",
    )
    return Anonymised(case=mark, person=person_done, crime=crime_done)


def run_retention(*, now: datetime | None = None) -> RetentionRun:
    """Anonymise every case past its retention period and not under a legal hold.

    Rule (the retention schedule, privacy.RetentionRule): a case is kept for its rule's
    years from closure, or from referral if never closed; then it is anonymised. The cases
    are found by one query (`due_for_retention`); each is anonymised in its own
    transaction, so one failure does not undo the others and a second run finds nothing
    left to do. Afterwards no case past retention is left without a hold.
    """
    now = now or timezone.now()
    run = RetentionRun.objects.create(as_of=now)
    # Looked up by each case's retention_rule_id, null where no rule covers the case.
    rules: dict[int | None, RetentionRule] = {rule.pk: rule for rule in retention_rules()}
    due = list(
        due_for_retention(now).order_by("pk").values_list("pk", "person_id", "retention_rule_id")
    )
    run.due = len(due)
    for case_id, person_id, rule_id in due:
        try:
            result = anonymise_case(
                case=Case(pk=case_id, person_id=person_id),
                by=None,
                reason=AnonymisedBecause.RETENTION,
                rule=rules.get(rule_id),
                only_if_due_at=now,
            )
        except DomainError as error:
            if error.code != LEGAL_HOLD:
                raise
            run.skipped += 1
            continue
        if result is None:
            run.skipped += 1
            continue
        run.cases_anonymised += 1
        run.people_anonymised += int(result.person)
    run.held = held_past_retention(now).count()
    run.finished_at = timezone.now()
    run.save()
    log.info(
        "retention: %d due, %d cases and %d people anonymised, %d skipped, %d held",
        run.due, run.cases_anonymised, run.people_anonymised, run.skipped, run.held,
    )
    return run


# -- The schedule ----------------------------------------------------------------------------


@transaction.atomic
def set_retention_periods(*, years: dict[int, int], by: User) -> list[RetentionRule]:
    """Change the periods of the schedule. Each change is kept in the rule's history with
    who made it. Returns the rules that changed."""
    changed = []
    with pghistory.context(user=by.pk, via="privacy:schedule"):
        for rule in RetentionRule.objects.select_for_update().filter(pk__in=years):
            new = years[rule.pk]
            if not 1 <= new <= 100:
                raise DomainError("A retention period is from 1 to 100 years.")
            if rule.years == new:
                continue
            rule.years, rule.updated_by = new, by
            rule.save(update_fields=["years", "updated_by", "updated_at"])
            changed.append(rule)
    return changed


# -- Legal holds ---------------------------------------------------------------------------


@transaction.atomic
def place_hold(
    *,
    by: User,
    reason: str,
    detail: str,
    case: Case | None = None,
    person: Person | None = None,
) -> LegalHold:
    """Put a case, or everything about a person, under a legal hold: nothing it covers is
    anonymised until the hold is lifted."""
    if (case is None) == (person is None):
        raise ValueError("A hold is on a case or on a person.")
    if reason not in HoldReason.values:
        raise DomainError("Choose the reason for the hold.", field="reason")
    if not detail.strip():
        raise DomainError(
            "Say what the hold is for (for example the court and date).", field="detail"
        )
    if case is not None and AnonymisedCase.objects.filter(case=case).exists():
        raise DomainError("This case has been anonymised: there is nothing left to hold.")
    if person is not None and AnonymisedPerson.objects.filter(person=person).exists():
        raise DomainError("This person has been anonymised: there is nothing left to hold.")
    return LegalHold.objects.create(
        case=case, person=person, reason=reason, detail=detail.strip(), placed_by=by
    )


@transaction.atomic
def lift_hold(*, hold: LegalHold, by: User, reason: str) -> LegalHold:
    """Lift a hold, with why. Retention applies again from the next daily run."""
    if not reason.strip():
        raise DomainError("Say why the hold can be lifted.", field="reason")
    locked = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if locked.lifted_at is not None:
        raise DomainError("This hold has already been lifted.")
    locked.lifted_at, locked.lifted_by, locked.lift_reason = timezone.now(), by, reason.strip()
    locked.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    return locked


# -- Requests from the data subject --------------------------------------------------------


def record_subject_access(
    *, person: Person, by: User, export_format: str, case_ids: Iterable[int], redacted: int = 0
) -> DataSubjectRequest:
    """A subject access bundle was produced (UK GDPR Art. 15): one row per download, saying
    how many items the manager's review redacted (privacy.redaction)."""
    return DataSubjectRequest.objects.create(
        kind=RequestKind.ACCESS,
        person=person,
        by=by,
        export_format=export_format,
        case_ids=sorted(set(case_ids)),
        detail=f"Subject access bundle downloaded ({export_format.upper()}), "
        f"{redacted} item{'' if redacted == 1 else 's'} redacted.",
    )


# What a rectification may correct: identity, contact details, address, safe contact.
RECTIFIABLE = (
    "first_name",
    "last_name",
    "date_of_birth",
    "phone",
    "email",
    "address_line1",
    "address_line2",
    "town",
    "postcode",
    "safe_to_call",
    "safe_to_write",
    "may_leave_message",
    "safe_contact_bands",
    "safe_contact_notes",
)


@transaction.atomic
def rectify_person(
    *, person: Person, by: User, changes: dict[str, object], reason: str
) -> DataSubjectRequest:
    """Correct the person's details at their request (UK GDPR Art. 16).

    The old and new values are kept in the person's history (pghistory, with the manager
    and "rectification" in its context); the request row names the fields and the reason.
    """
    if not reason.strip():
        raise DomainError("Give the reason for the correction.", field="reason")
    unknown = set(changes) - set(RECTIFIABLE)
    if unknown:
        raise ValueError(f"Not rectifiable here: {', '.join(sorted(unknown))}")
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if AnonymisedPerson.objects.filter(person=locked).exists():
        raise DomainError("This person's details have been anonymised: nothing to correct.")
    fields = [name for name, value in changes.items() if getattr(locked, name) != value]
    if not fields:
        raise DomainError("Nothing was changed: correct at least one detail.")
    with pghistory.context(user=by.pk, via="privacy:rectification"):
        for name in fields:
            setattr(locked, name, changes[name])
        locked.save(update_fields=[*fields, "updated_at"])
        request = DataSubjectRequest.objects.create(
            kind=RequestKind.RECTIFICATION,
            person=locked,
            by=by,
            fields=fields,
            detail=reason.strip(),
            case_ids=list(locked.cases.values_list("pk", flat=True)),
        )
    for name in fields:
        setattr(person, name, changes[name])
    return request


@transaction.atomic
def record_erasure_request(
    *, person: Person, by: User, decision: str, reason: str
) -> DataSubjectRequest:
    """An erasure request and its decision (UK GDPR Art. 17).

    Erased: every case of the person is anonymised now (anonymise_case), and with the last
    of them the person's details. Refused only with a reason (e.g. a legal obligation, or
    the establishment or defence of legal claims, Art. 17(3)). A legal hold on the person
    or any of their cases stops an erasure: record the refusal with the hold as the reason.
    """
    reason = reason.strip()
    if not reason:
        raise DomainError("Give the reason for the decision.", field="reason")
    if decision not in ErasureDecision.values:
        raise DomainError("Choose whether to erase or to refuse.", field="decision")
    locked = Person.objects.select_for_update().get(pk=person.pk)
    case_ids = list(locked.cases.order_by("pk").values_list("pk", flat=True))
    if decision == ErasureDecision.ERASED:
        holds = active_holds(person=locked)
        if holds:
            raise DomainError(
                "A legal hold applies "
                f"({holds[0].get_reason_display().lower()}): the data cannot be erased. "
                "Record the request as refused, with the hold as the reason.",
                code=LEGAL_HOLD,
            )
        if AnonymisedPerson.objects.filter(person=locked).exists():
            raise DomainError("This person's details have already been anonymised.")
        for case_id in case_ids:
            anonymise_case(
                case=Case(pk=case_id, person_id=locked.pk),
                by=by,
                reason=AnonymisedBecause.ERASURE,
            )
    with pghistory.context(user=by.pk, via="privacy:erasure"):
        return DataSubjectRequest.objects.create(
            kind=RequestKind.ERASURE,
            person=locked,
            by=by,
            decision=decision,
            detail=reason,
            case_ids=case_ids,
        )
