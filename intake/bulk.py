"""Many IVNAs at once: the crime system's daily transfer (POST /api/v1/ivnas/batch/, issue 17).

The outcome is exactly that of intake.services.record_ivna for each item in order; only the
number of statements differs. The common case, a crime and a person new to the hub and named
once in the batch, is stored for the whole batch in a few bulk statements, from the rows the
single path saves one at a time (each rule keeps one home: intake.matching's new person and
crime, intake.triage, intake.services's case and IVNA, cases.services.open_cases, the first
version, contact.services.start_contact_for_new_cases; and through cases.signals.cases_opened
and intake.signals.ivnas_recorded, the Victims' Code rows and the automatic closures).

Every other item (a retry, an amendment, a person or crime already known, or named twice in
the batch) goes through record_ivna, in its own savepoint, in the order sent. None of them can
touch the rows of the common items: those name a crime and a person nobody else names.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pghistory
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiClient, User
from cases.models import Crime, Person
from cases.services import open_cases, unused_references
from contact.bulk import set_no_letter_reasons, start_contact_for_new_cases
from core.bulk import insert_rows
from core.errors import DomainError
from intake.amendments import first_version_row
from intake.locks import lock_ivna_batch
from intake.matching import new_crime_row, new_person_row
from intake.models import Ivna
from intake.services import (
    DECLINED_AT_IVNA,
    IntakeResult,
    IvnaSubmission,
    check_ivna,
    ivna_case_rows,
    ivna_row,
    record_ivna,
    triage_ivna,
)
from intake.signals import ivnas_recorded
from intake.triage import TriageDecision

Outcome = IntakeResult | DomainError


@dataclass
class _New:
    """An item of the common case, on its way in."""

    submission: IvnaSubmission
    person: Person
    crime: Crime
    decision: TriageDecision


def record_ivnas(
    submissions: list[IvnaSubmission],
    *,
    by: User,
    via: str,
    api_client: ApiClient | None = None,
) -> list[Outcome]:
    """record_ivna for each submission, in order: its IntakeResult, or the DomainError that
    refused it (nothing of that item saved, the others saved as usual). All the batch's
    locks are taken first, in one order (intake.locks.lock_ivna_batch), so two batches, or
    a batch and a single intake, cannot wait for each other."""
    outcomes: dict[int, Outcome] = {}
    checked: list[int] = []
    for index, submission in enumerate(submissions):
        try:
            check_ivna(submission)
        except DomainError as error:
            outcomes[index] = error
        else:
            checked.append(index)
    # No savepoint of its own: an error other than an item's DomainError (which record_ivna's
    # savepoint takes back) fails the caller's whole transaction, as the request's is.
    with transaction.atomic(savepoint=False):
        lock_ivna_batch([(submissions[i].crime.reference, submissions[i].victim.police_person_id)
                         for i in checked])
        new = _all_new(submissions, checked)
        if new:
            context = {"user": by.pk, "via": via,
                       "api_client": api_client.name if api_client else None}
            with pghistory.context(**context):
                stored = _record_new([_start(submissions[i]) for i in new], by=by, via=via)
            outcomes.update(zip(new, stored, strict=True))
        for index in checked:
            if index in outcomes:
                continue
            try:
                outcomes[index] = record_ivna(
                    submission=submissions[index], by=by, via=via, api_client=api_client
                )
            except DomainError as error:  # record_ivna's savepoint took its writes back
                outcomes[index] = error
    return [outcomes[index] for index in range(len(submissions))]


def _all_new(submissions: list[IvnaSubmission], checked: list[int]) -> list[int]:
    """The items whose crime reference and police person id (if any) the hub does not know
    and no other item of the batch names: two queries for the whole batch."""
    references = Counter(submissions[i].crime.reference for i in checked)
    people = Counter(p for i in checked if (p := submissions[i].victim.police_person_id))
    known_crimes = set(
        Crime.objects.filter(reference__in=list(references)).values_list("reference", flat=True)
    )
    known_people = set(
        Person.objects.filter(police_person_id__in=list(people))
        .values_list("police_person_id", flat=True)
    )

    def new(submission: IvnaSubmission) -> bool:
        reference, person = submission.crime.reference, submission.victim.police_person_id
        if references[reference] > 1 or reference in known_crimes:
            return False
        return not person or (people[person] == 1 and person not in known_people)

    return [i for i in checked if new(submissions[i])]


def _start(submission: IvnaSubmission) -> _New:
    # Unknown is not safe to write (issue 11), as in record_ivna.
    safe = submission.assessment.safe_to_write is True
    crime = new_crime_row(submission.crime)
    return _New(
        submission=submission,
        person=new_person_row(victim=submission.victim, safe_to_write=safe),
        crime=crime,
        # A new person has no earlier cases, so no earlier high-risk referral.
        decision=triage_ivna(submission, markers=crime.markers, high_risk_before=False),
    )


def _record_new(items: list[_New], *, by: User, via: str) -> list[IntakeResult]:
    """What record_ivna writes for a new person and a new crime, for every item at once."""
    now = timezone.now()
    insert_rows([item.person for item in items])
    insert_rows([item.crime for item in items])
    cases = open_cases([
        ivna_case_rows(
            person=item.person, crime=item.crime, decision=item.decision,
            answers=item.submission.assessment, by=by, via=via, now=now, reference=reference,
        )
        for item, reference in zip(items, unused_references(len(items)), strict=True)
    ])
    ivnas, versions = [], []
    for item, case in zip(items, cases, strict=True):
        ivna = ivna_row(case=case, answers=item.submission.assessment, decision=item.decision,
                        by=by, via=via, high_risk_before=False)
        ivna.recorded_at = now  # one moment for the batch: one UPDATE for Right 2
        ivnas.append(ivna)
        versions.append(first_version_row(case=case, submission=item.submission, by=by,
                                          via=via))
    insert_rows(ivnas)
    ivnas_recorded.send(sender=Ivna, ivnas=ivnas)
    insert_rows(versions)
    declined = [case.pk for case in cases if case.declined_contact_at_ivna]
    for case in cases:
        if case.declined_contact_at_ivna:
            case.no_letter_reason = DECLINED_AT_IVNA
    set_no_letter_reasons({DECLINED_AT_IVNA: declined} if declined else {})
    start_contact_for_new_cases([case for case in cases if not case.declined_contact_at_ivna])
    return [IntakeResult(case=case, created=True, decision=item.decision)
            for item, case in zip(items, cases, strict=True)]
