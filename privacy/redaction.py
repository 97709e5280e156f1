"""The review of a subject access bundle before disclosure (issue 13).

Some of what the hub holds about a person may be exempt from disclosure or name someone
else (DPA 2018 Sch. 2 para 2, crime; Sch. 2 para 16, third-party data): restricted notes,
the reasons staff gave for opening a restricted case, and third parties' details. A manager
goes through each such item and includes or redacts it; the choices are logged
(SubjectAccessReview: item keys and choices, never the text), and the bundle is produced
only under a review that covers every item, with redacted text replaced by "[redacted]".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from accounts.models import User
from audit.models import CaseAccessGrant
from cases.models import Person
from contact.models import ContactNote
from core.errors import DomainError
from intake.models import Ivna, SelfReferral, Transfer
from privacy.models import SubjectAccessReview

REDACTED = "[redacted]"
INCLUDE, REDACT = "include", "redact"
CHOICES = (INCLUDE, REDACT)


@dataclass(frozen=True)
class ReviewItem:
    """One thing the manager decides on: its key, the case, what it is, and its text."""

    key: str
    case_reference: str
    kind: str
    text: str
    restricted: bool = False


def review_items(person: Person) -> list[ReviewItem]:
    """Every item of the person's record that may need redaction, case by case: contact
    notes (restricted ones marked), the reasons of access grants (break-glass and named),
    who asked on a self-referral and their account, the officer's IVNA notes, and the
    contact and notes of a transfer. Six queries whatever the record holds."""
    items: list[ReviewItem] = []
    references = dict(person.cases.values_list("pk", "reference"))

    def _reference(case_id: int) -> str:
        return references[case_id]

    for note in ContactNote.objects.filter(case__person=person).order_by("case_id", "at", "pk"):
        items.append(ReviewItem(
            f"note:{note.pk}", _reference(note.case_id),
            "Restricted note" if note.restricted else "Note", note.text, note.restricted,
        ))
    for grant in CaseAccessGrant.objects.filter(case__person=person).order_by(
        "case_id", "granted_at", "pk"
    ):
        items.append(ReviewItem(
            f"grant:{grant.pk}", _reference(grant.case_id),
            f"Reason for access ({grant.get_kind_display().lower()})", grant.reason, True,
        ))
    for referral in SelfReferral.objects.filter(case__person=person).order_by("case_id"):
        asker = ", ".join(v for v in (referral.asker_name, referral.asker_relationship) if v)
        text = "; ".join(v for v in (asker and f"Asked by {asker}", referral.account) if v)
        if text:
            items.append(ReviewItem(
                f"self_referral:{referral.pk}", _reference(referral.case_id),
                "Self-referral: who asked and their account", text,
            ))
    for ivna in Ivna.objects.filter(case__person=person).exclude(notes="").order_by("case_id"):
        items.append(ReviewItem(
            f"ivna:{ivna.pk}", _reference(ivna.case_id), "Officer's IVNA notes", ivna.notes
        ))
    for transfer in Transfer.objects.filter(case__person=person).order_by("case_id", "pk"):
        text = "; ".join(v for v in (*transfer.contact_lines, transfer.notes) if v)
        if text:
            items.append(ReviewItem(
                f"transfer:{transfer.pk}", _reference(transfer.case_id),
                "Transfer: the other organisation's contact and notes", text,
            ))
    return items


def latest_review(person: Person) -> SubjectAccessReview | None:
    return person.access_reviews.order_by("-at", "-pk").first()


def redactions_for(
    person: Person, items: Iterable[ReviewItem] | None = None
) -> set[str] | None:
    """The item keys to redact under the person's latest review, or None when a review is
    needed first (none yet, or the record holds an item it did not cover)."""
    keys = {item.key for item in (review_items(person) if items is None else items)}
    review = latest_review(person)
    if review is None:
        return None if keys else set()
    if not keys <= set(review.decisions):
        return None
    return review.redacted & keys


@transaction.atomic
def record_review(*, person: Person, by: User, choices: dict[str, str]) -> SubjectAccessReview:
    """Log a manager's choices for every item to review: all must be decided."""
    if not by.has_perm("privacy.handle_requests"):
        raise DomainError("Only a hub manager may review a subject access bundle.")
    keys = [item.key for item in review_items(person)]
    missing = [key for key in keys if choices.get(key) not in CHOICES]
    if missing:
        raise DomainError(
            f"Choose include or redact for every item ({len(missing)} not chosen)."
        )
    return SubjectAccessReview.objects.create(
        person=person, by=by, decisions={key: choices[key] for key in keys}
    )


def _blank(row: dict[str, Any] | None, *fields: str) -> None:
    if row is None:
        return
    for name in fields:
        if row.get(name):
            row[name] = REDACTED


def apply_redactions(bundle: dict, redact: set[str]) -> dict:
    """Replace the text of each redacted item in the bundle (in place) by "[redacted]"."""
    if not redact:
        return bundle
    for case in bundle["cases"]:
        for note in case["contact_notes"]:
            if f"note:{note['id']}" in redact:
                _blank(note, "text")
        for grant in case.get("access_grants", []):
            if f"grant:{grant['id']}" in redact:
                _blank(grant, "reason")
        referral = case["self_referral"]
        if referral and f"self_referral:{referral['id']}" in redact:
            _blank(referral, "asker_name", "asker_relationship", "account")
        ivna = case["ivna"]
        if ivna and f"ivna:{ivna['id']}" in redact:
            _blank(ivna, "notes")
            # The same notes as the police sent them, and in their proposed changes.
            for version in case["ivna_versions"]:
                _blank(version.get("answers"), "notes")
                for change in version.get("changes") or []:
                    if isinstance(change, dict) and change.get("key") == "notes":
                        _blank(change, "before", "after")
            for proposed in case["changes_from_the_police"]:
                _blank(proposed.get("proposed"), "notes")
        for transfer in case["transfers"]:
            if f"transfer:{transfer['id']}" in redact:
                _blank(transfer, "contact_name", "contact_email", "contact_phone", "notes")
    return bundle
