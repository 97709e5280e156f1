"""One person per victim: which other person records may be the same victim ("possible
matches"), and merging two records into one, reversibly for a period (issue 11).

Intake matches automatically only on the police person id (intake.matching.match_person): a
name typed on a public page must never attach a stranger to someone's history. Everything
else is a candidate a VCC judges, once they have spoken to the victim, and merges here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import pghistory
from django.conf import settings
from django.db import transaction
from django.db.models import F, Func, Q, QuerySet, Value
from django.db.models.functions import Upper
from django.forms.models import model_to_dict
from django.utils import timezone

from accounts.models import User
from accounts.roles import is_manager
from cases.models import Case, CaseTransition, Person, PersonMerge, normalised_name
from cases.selectors import normalise_postcode
from cases.services import flag_repeat_victim
from core.errors import DomainError

MAX_MERGE_REASON = 500
# Details a VCC may take from the merged record onto the kept one (the kept record's own are
# kept otherwise). Safe-contact answers are not offered: a "no" on either record wins.
TAKEABLE_FIELDS = (
    "date_of_birth", "gender", "ethnicity", "nationality", "first_language", "phone", "email",
    "address_line1", "address_line2", "town", "postcode", "district",
)
# Safe contact: the merged person is as safe to reach as the less safe of the two records.
SAFETY_FLAGS = ("safe_to_call", "safe_to_write", "may_leave_message")


def normalise_name(value: str) -> str:
    """A name as candidates are compared: case ignored, surrounding and repeated spaces too."""
    return " ".join(value.split()).upper()


def _regexp_replace(expression: Any, pattern: str, replacement: str) -> Func:
    return Func(expression, Value(pattern), Value(replacement), Value("g"),
                function="REGEXP_REPLACE")


def _normalised(people: QuerySet[Person]) -> QuerySet[Person]:
    """The same normalisation as normalise_name / normalise_postcode, in the database."""
    return people.annotate(
        first_norm=normalised_name("first_name"),
        last_norm=normalised_name("last_name"),
        postcode_norm=Upper(_regexp_replace(F("postcode"), r"\s+", "")),
    )


def is_merged(person: Person) -> bool:
    return person.merged_into_id is not None


def active_people() -> QuerySet[Person]:
    """Person records still in use: not merged into another (people lists start here)."""
    return Person.objects.filter(merged_into__isnull=True)


def candidates_for(person: Person) -> QuerySet[Person]:
    """Other person records that may be the same victim.

    Rule (issue 11, "one person per victim"): another unmerged person with the same first
    and last name and either the same date of birth or the same postcode. Names are compared
    ignoring case and surrounding or repeated spaces, postcodes ignoring case and all spaces;
    nicknames are not matched. A person with a different police person id is never a
    candidate: two force records are two people unless the force says otherwise (and the same
    police person id is matched automatically at intake, so it never needs a candidate).
    """
    first, last = normalise_name(person.first_name), normalise_name(person.last_name)
    postcode = normalise_postcode(person.postcode)
    same_details = Q()
    if person.date_of_birth is not None:
        same_details |= Q(date_of_birth=person.date_of_birth)
    if postcode:
        same_details |= Q(postcode_norm=postcode)
    if not (first and last) or not same_details:
        return Person.objects.none()
    people = _normalised(active_people().exclude(pk=person.pk)).filter(
        same_details, first_norm=first, last_norm=last
    )
    if person.police_person_id:
        people = people.exclude(
            Q(police_person_id__isnull=False) & ~Q(police_person_id="")
            & ~Q(police_person_id=person.police_person_id)
        )
    return people


def older_first(a: Person, b: Person) -> tuple[Person, Person]:
    """(kept, merged): the record made first survives, so its history and id stay."""
    return (a, b) if (a.created_at, a.pk) <= (b.created_at, b.pk) else (b, a)


def offered_details(keep: Person, merge: Person) -> list[str]:
    """The merged record's non-empty details that differ from the kept record's."""
    return [
        name for name in TAKEABLE_FIELDS
        if getattr(merge, name) not in ("", None, "unknown")
        and getattr(merge, name) != getattr(keep, name)
    ]


def has_restricted_case(*people: Person) -> bool:
    return Case.objects.filter(person__in=people, restricted=True).exists()


def may_merge(user: User, *people: Person) -> bool:
    """Who may merge: those who work cases; a manager only where a record has a restricted
    case (its address must not reach VCCs through the other record's cases)."""
    if not (user.is_active and user.has_perm("cases.work_case")):
        return False
    return is_manager(user) or not has_restricted_case(*people)


def _snapshot(person: Person) -> dict:
    return model_to_dict(person, exclude=["id", "merged_into"])


def _timeline_line(cases: Iterable[Case], *, by: User | None, reason: str) -> None:
    """A line on each case's status history (its status unchanged)."""
    now = timezone.now()
    CaseTransition.objects.bulk_create([
        CaseTransition(case=c, from_status=c.status, to_status=c.status, by=by, at=now,
                       reason=reason)
        for c in cases
    ])


def _check_merge(*, keep: Person, merge: Person, by: User, reason: str) -> None:
    if keep.pk == merge.pk:
        raise DomainError("Choose another person's record to merge.")
    if is_merged(keep) or is_merged(merge):
        raise DomainError("One of these records has already been merged into another.")
    if keep.police_person_id and merge.police_person_id:
        raise DomainError(
            "Both records have a police person id and they differ: two force records are two "
            "people unless the force says otherwise. Ask the force to merge them first."
        )
    if not reason.strip():
        raise DomainError("Enter why these records are the same person.", field="reason")
    if len(reason) > MAX_MERGE_REASON:
        raise DomainError(f"The reason must be {MAX_MERGE_REASON} characters or fewer.",
                          field="reason")
    if not may_merge(by, keep, merge):
        raise DomainError("Only a hub manager can merge records with a restricted case.")


@transaction.atomic
def merge_people(
    *, keep: Person, merge: Person, by: User, reason: str, take: Iterable[str] = ()
) -> PersonMerge:
    """Merge `merge` into `keep`: one person for one victim.

    Rules (issue 11): every case of the merged person moves to the kept person; the merged
    person is kept, marked merged (hidden from possible matches and people lists) so the
    merge can be undone (undo_merge); the kept record keeps its details except those named in
    `take` (from offered_details), and a "no" to a safe-contact question on either record
    wins. Two different police person ids refuse. Where either has a restricted case only a
    manager may merge, and every case of the kept person becomes restricted. The merge stores
    who, when, why, the cases moved, the flags changed and both records as they were; each
    case's timeline says so.
    """
    locked = {p.pk: p for p in Person.objects.select_for_update()
              .filter(pk__in=[keep.pk, merge.pk]).order_by("pk")}
    keep, merge = locked[keep.pk], locked[merge.pk]
    _check_merge(keep=keep, merge=merge, by=by, reason=reason)
    take = [name for name in take if name in offered_details(keep, merge)]
    # The context names the change, not the words of the reason (kept on the merge, where
    # anonymisation can scrub them).
    with pghistory.context(user=by.pk, reason="Person records merged"):
        record = PersonMerge.objects.create(
            kept=keep, merged=merge, by=by, reason=reason,
            kept_before=_snapshot(keep), merged_before=_snapshot(merge), taken_fields=take,
        )
        cases = list(Case.objects.select_for_update().filter(person__in=[keep, merge])
                     .order_by("pk"))
        moved = [c for c in cases if c.person_id == merge.pk]
        restrict = any(c.restricted for c in cases)
        flags: dict[str, dict[str, bool]] = {}
        for case in cases:
            if restrict and not case.restricted:
                flags.setdefault(str(case.pk), {})["restricted"] = False
                case.restricted = True
        Case.objects.filter(pk__in=[c.pk for c in moved]).update(
            person=keep, updated_at=timezone.now())
        Case.objects.filter(pk__in=[int(pk) for pk in flags]).update(
            restricted=True, updated_at=timezone.now())
        for case in moved:
            case.person = keep
            before = case.repeat_victim
            flag_repeat_victim(case=case)
            if case.repeat_victim != before:
                flags.setdefault(str(case.pk), {})["repeat_victim"] = before
        for name in take:
            setattr(keep, name, getattr(merge, name))
        for name in SAFETY_FLAGS:
            setattr(keep, name, getattr(keep, name) and getattr(merge, name))
        keep.unsafe_numbers = sorted(set(keep.unsafe_numbers) | set(merge.unsafe_numbers))
        keep.save()
        merge.merged_into = keep
        merge.save(update_fields=["merged_into", "updated_at"])
        record.moved_case_ids = [c.pk for c in moved]
        record.case_flags_before = flags
        record.save(update_fields=["moved_case_ids", "case_flags_before"])
        _timeline_line(cases, by=by, reason=(
            f"Person records merged by {by}: {merge.full_name} (person {merge.pk}) into "
            f"person {keep.pk}. {reason}"))
    return record


def undo_deadline(merge: PersonMerge):
    return merge.at + timedelta(days=settings.PERSON_MERGE_UNDO_DAYS)


def may_undo(user: User, merge: PersonMerge) -> bool:
    """A manager, or the VCC who merged, within the undo period and not yet undone."""
    if merge.undone_at is not None or timezone.now() > undo_deadline(merge):
        return False
    return user.is_active and (is_manager(user) or user.pk == merge.by_id)


@transaction.atomic
def undo_merge(*, merge: PersonMerge, by: User, reason: str = "") -> PersonMerge:
    """Undo a merge of two person records.

    Rule (issue 11, "reversible for a period"): within PERSON_MERGE_UNDO_DAYS of the merge a
    manager, or the VCC who merged, may undo it: the moved cases go back to the merged
    person, who is shown again; the case flags the merge changed and the details it took are
    restored. Cases the kept person has had since stay with them. Afterwards it is refused.
    """
    record = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if record.undone_at is not None:
        raise DomainError("This merge has already been undone.")
    if timezone.now() > undo_deadline(record):
        raise DomainError(
            f"This merge can no longer be undone: merges can be undone for "
            f"{settings.PERSON_MERGE_UNDO_DAYS} days, until "
            f"{timezone.localtime(undo_deadline(record)):%-d %B %Y}. Ask a hub manager.")
    if not (is_manager(by) or by.pk == record.by_id):
        raise DomainError("Only a hub manager or the person who merged can undo a merge.")
    keep = Person.objects.select_for_update().get(pk=record.kept_id)
    merged = Person.objects.select_for_update().get(pk=record.merged_id)
    if is_merged(keep):
        raise DomainError("The kept record has since been merged into another: undo that first.")
    with pghistory.context(user=by.pk, reason="Person merge undone"):
        cases = list(Case.objects.select_for_update().filter(person=keep).order_by("pk"))
        moved = [c for c in cases if c.pk in record.moved_case_ids]
        Case.objects.filter(pk__in=[c.pk for c in moved]).update(
            person=merged, updated_at=timezone.now())
        for case_id, flags in record.case_flags_before.items():
            Case.objects.filter(pk=int(case_id)).update(**flags, updated_at=timezone.now())
        # Safe-contact answers stay as they are: a "no" is never loosened by an undo.
        for name in record.taken_fields:
            setattr(keep, name, _restored(keep, name, record.kept_before.get(name)))
        keep.save()
        merged.merged_into = None
        merged.save(update_fields=["merged_into", "updated_at"])
        record.undone_at, record.undone_by, record.undo_reason = timezone.now(), by, reason
        record.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        _timeline_line(cases, by=by, reason=(
            f"Merge of person records undone by {by}: person {merged.pk} separated from "
            f"person {keep.pk} again. {reason}".strip()))
    return record


def _restored(person: Person, name: str, value: Any) -> Any:
    """A snapshot value back in the field's type (dates are stored as text)."""
    return person._meta.get_field(name).to_python(value)
